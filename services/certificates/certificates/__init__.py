"""ForumOps certificates service: attendance and award certificates, PDFs and public verification."""
