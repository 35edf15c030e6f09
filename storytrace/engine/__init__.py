"""storytrace.engine"""
