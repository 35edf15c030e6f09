"""storytrace.cluster"""
