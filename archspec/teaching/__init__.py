"""Teaching: the lecture notes' questions worked out (`explain.py`, `calc.py`, `teach.py`), quizzes
and their grading (`quiz.py`, `variants.py`, `moodle.py`)."""
