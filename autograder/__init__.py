"""Instructor-only side of backprop-course: the reference implementation (`autograder.reference`), the hidden
checks (`autograder.hidden`) and the grading command line (`python -m autograder`). Never give it to students."""
