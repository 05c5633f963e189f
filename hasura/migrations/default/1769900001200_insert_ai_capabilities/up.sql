INSERT INTO public.ai_capabilities (id, unique_name, name, description, category, icon, estimated_credits_fast, estimated_credits_enhanced, estimated_credits_premium) VALUES
    ('cap_question_generation', 'question_generation', 'Smart Question Generation', 'AI-generated follow-up questions based on form context', 'forms', 'sparkles', 1.0, 1.5, 3.0),
    ('cap_testimonial_assembly', 'testimonial_assembly', 'Testimonial Assembly', 'Assembles customer answers into coherent testimonial', 'testimonials', 'wand-2', 2.0, 3.0, 6.0),
    ('cap_testimonial_polish', 'testimonial_polish', 'Testimonial Polish', 'Improves grammar and flow of existing testimonials', 'testimonials', 'pen-tool', 1.0, 1.5, 3.0);
