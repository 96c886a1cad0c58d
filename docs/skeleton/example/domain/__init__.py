"""The example's rules, pure: no Flask, Kafka or SQL."""
