"""The `python -m autograder` commands: grade, grade-all, release, example-class, student-bundle; and the
grade files for learning-management systems (`lms_export`, an nbgrader exporter plugin).
"""
