import ArgumentParser

await MallAudit.main()
