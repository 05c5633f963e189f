DROP TRIGGER organization_plans_provision_credit_balance ON public.organization_plans;
DROP FUNCTION public.provision_credit_balance();
DROP FUNCTION public.plan_allocation_idempotency_key(text, timestamptz);
