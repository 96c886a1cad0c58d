"""ForumOps example service: notices an organiser posts for a forum, shown from a given time.

The smallest service in the shape of the others; see docs/services.md for how to make a new
service from it.
"""
