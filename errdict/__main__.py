"""`python -m errdict`: the same command line as `errdict`."""
from .cli import run

if __name__ == "__main__":
    run()
