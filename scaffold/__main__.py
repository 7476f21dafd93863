from scaffold.entry import main

main()
