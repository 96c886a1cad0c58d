"""Attendance reports as Zoom and Teams export them."""


def zoom_report(rows: list[tuple[str, str, str, str]]) -> bytes:
    """A Zoom participants export "with meeting data": a meeting block first, then one row per join."""
    lines = ["Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants",
             "812 3456 7890,Diễn đàn Giáo dục 2026,11/23/2026 08:55:02 AM,11/23/2026 11:04:40 AM,"
             "host@moet.gov.vn,130,4", "",
             "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"]
    for name, email, joined, left in rows:
        lines.append(f'"{name}",{email},{joined},{left},1,{"Yes" if not email else "No"}')
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def teams_report(rows: list[tuple[str, str, str, str]]) -> bytes:
    """A Teams attendance report as downloaded: UTF-16, tab-separated, in three sections."""
    lines = ["1. Summary", "Meeting title\tDiễn đàn Giáo dục 2026", "Attended participants\t2",
             "Start time\t11/23/26, 8:55:02 AM", "End time\t11/23/26, 11:04:40 AM", "",
             "2. Participants", "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole",
             "Trần Văn Bình\t11/23/26, 9:00:00 AM\t11/23/26, 10:30:00 AM\t1h 30m\tbinh@x.vn\tbinh@x.vn\tAttendee", "",
             "3. In-Meeting Activities", "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole"]
    for name, email, joined, left in rows:
        lines.append(f"{name}\t{joined}\t{left}\t1m\t{email}\tAttendee")
    return "\r\n".join(lines).encode("utf-16")
