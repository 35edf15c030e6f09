"""storytrace.demo"""
