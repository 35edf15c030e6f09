"""storytrace.actors"""
