from forumops_shared.migrations import run_env
from checkin.tables import metadata

run_env(metadata)
