"""Bonus earnings per sale, charity choices and payroll."""
