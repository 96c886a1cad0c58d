"""ForumOps registration service: forums, connection points, registrations and signed tickets."""
