from tec.cli.main import main

main()
