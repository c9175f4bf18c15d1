"""What the Python apps share: the users and the secrets."""

import os

# user name -> (password, company)
USERS = {'bob': ('bob-pw', 'acme'), 'carol': ('carol-pw', 'globex')}


def read_secret(env):
    """The file an environment variable names, its bytes less one
    trailing newline (as the nginx module reads it); None when unset."""
    if not os.environ.get(env):
        return None
    with open(os.environ[env], 'rb') as f:
        data = f.read()
    return data[:-1] if data.endswith(b'\n') else data
