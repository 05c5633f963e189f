DELETE FROM public.ai_capabilities
WHERE id IN ('cap_question_generation', 'cap_testimonial_assembly', 'cap_testimonial_polish');
