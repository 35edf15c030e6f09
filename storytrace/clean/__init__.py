"""storytrace.clean"""
