"""The Python baseline the benchmark compares against: crhelper + boto3 under awslambdaric."""
