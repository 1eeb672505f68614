# One line per lib/ module that has a Check suite.
nvmwatch_check(arena)
nvmwatch_check(buf)
nvmwatch_check(field)
nvmwatch_check(record)
nvmwatch_check(enrich)
nvmwatch_check(cidr)
nvmwatch_check(ipfix)
nvmwatch_check(config)
