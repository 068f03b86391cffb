"""nbgrader configuration for causal_course: copy it into your nbgrader course folder (docs/instructor.md).

It makes `nbgrader generate_assignment` release exactly the course's exercises/ notebooks: each stub
names its exercise (`raise NotImplementedError("Exercise 1.2: Difference in means")`), Think! answers
become "*Your answer here.*", and the Colab and Binder badges open the exercise, not the solution.
Needs this package and nbgrader in the same environment: pip install 'causal-course[nbgrader]'.
"""

from causal_course.authoring.nbgrader_stubs import generate_assignment_preprocessors

c = get_config()  # noqa: F821 (nbgrader provides get_config when it loads this file)

c.CourseDirectory.course_id = "causal_course"
c.GenerateAssignment.preprocessors = generate_assignment_preprocessors()
