"""`python -m hotline <command>`: the Flask CLI with the hotline's own commands."""
from hotline.cli import main

if __name__ == "__main__":
    main()
