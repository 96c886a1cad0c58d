"""The certificates service's rules, pure: no Flask, Kafka or SQL (tests/test_layers.py keeps it so).

rules.py says when a registration earns its attendance certificate and the hours it prints;
statement.py what one under the hours rule states, and when a late change re-issues it;
identifiers.py how certificates and awards are named; wording.py what a certificate says, in its
holder's language; results.py what an awards programme's published results change among its certificates.
"""
