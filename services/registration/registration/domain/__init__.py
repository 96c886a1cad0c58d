"""Registration's rules, pure: no Flask, Kafka or SQL (tests/test_layers.py keeps it so).

registrations.py says what a registration needs (consent, a language the forum offers, a point
for in-person attendance and none online) and what a change of it means; places.py deals out a
point's places in arrival order.
"""
