"""Runs ForumOps on one machine: local Kafka from Maven Central, the services, test fixtures."""
