DELETE FROM public.plan_ai_capability_quality_levels
WHERE plan_ai_capability_id IN ('pac_free_question_generation',
             'pac_pro_question_generation', 'pac_pro_testimonial_assembly', 'pac_pro_testimonial_polish',
             'pac_team_question_generation', 'pac_team_testimonial_assembly', 'pac_team_testimonial_polish')
  AND id LIKE 'pacql\_%';
