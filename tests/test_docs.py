"""The instructor guide keeps up with the course: every lesson and exercise, every grading option."""

from causal_course.checks import exercises_for, graded_lessons
from causal_course.cli import build_parser


def test_instructor_guide_covers_every_exercise_and_lesson(root):
    guide = (root / "docs" / "instructor.md").read_text()
    for lesson in graded_lessons():
        assert f"| {lesson[:2]} " in guide, f"lesson {lesson} missing from the time table"
        for exercise in exercises_for(lesson):
            assert f"**{exercise.id}**" in guide, f"exercise {exercise.id} has no common mistakes in docs/instructor.md"


def test_instructor_guide_documents_every_grade_option(root):
    guide = (root / "docs" / "instructor.md").read_text()
    grade = next(a for a in build_parser()._subparsers._group_actions[0].choices.items() if a[0] == "grade")[1]
    for action in grade._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert f"`{flag}" in guide, f"{flag} is not documented in docs/instructor.md"
