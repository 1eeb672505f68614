# One line per lib/ module that has a Check suite.
