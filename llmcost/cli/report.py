"""(not yet)"""
