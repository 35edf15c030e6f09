"""storytrace.web"""
