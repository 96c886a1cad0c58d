"""ForumOps awards service: programmes, applications, the jury's assignment and scores, results."""
