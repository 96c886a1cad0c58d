from forumops_shared.migrations import run_env
from registration.tables import metadata

run_env(metadata)
