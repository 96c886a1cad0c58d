"""Pure decisions and value rules of registration: no Flask, Kafka or SQL here."""
