import pytest

# The cells' assertions live in matrix.py: let pytest explain them as it does in a test module.
pytest.register_assert_rewrite("yorisoi.front.tests.doors.matrix")
