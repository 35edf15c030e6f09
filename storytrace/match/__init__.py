"""storytrace.match"""
