"""storytrace.eval"""
