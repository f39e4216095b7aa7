"""`make bench`: the release bootstrap against a crhelper + boto3 baseline (see run_bench.py)."""
