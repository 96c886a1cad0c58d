"""The awards' rules, pure: no Flask, Kafka or SQL.

phases.py reads a programme's timetable (what may be done when); assignment.py hands the
applications to jurors (balance.py evens their loads); ranking.py turns the jury's scores into
standings and a proposed list of winners per category.
"""
