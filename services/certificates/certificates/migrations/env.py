from forumops_shared.migrations import run_env
from certificates.tables import metadata

run_env(metadata)
