from tec.cli import main

main()
