# One line per fuzz target: nvmwatch_fuzz(<name>) for tests/fuzz/fuzz_<name>.c
nvmwatch_fuzz(ipfix)
nvmwatch_fuzz(config)
nvmwatch_fuzz(spl)
nvmwatch_fuzz(rule)
nvmwatch_fuzz(collector)
