"""Keeping people safe in what they write: the naming guard, danger phrases and support services.

Plain Python with no models, below every app, so that stories, campaigns and moderation call it
directly: screening must not depend on which app started first.
"""
