"""Sanad: questions over Arabic news articles, answered with cited quotes."""
