"""ForumOps checkin service: devices, scans, online attendance and live counts."""
