import ArgumentParser

MallAudit.main()
