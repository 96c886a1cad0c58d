"""Check-in's rules, pure: no Flask, Kafka or SQL (tests/test_layers.py keeps it so).

scans.py decides a scan (every outcome and reason is decided there, for single scans and
offline batches alike); offline.py weighs an offline door's word against that decision;
attendance_reports.py reads Zoom and Teams reports and merges the time people were present;
hours.py says how long a participant attended each session of the programme.
"""
