import { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  Credits: { input: string; output: string; }
  bigint: { input: string; output: string; }
  date: { input: string; output: string; }
  numeric: { input: string; output: string; }
  timestamptz: { input: string; output: string; }
};

/** Boolean expression to compare columns of type "Boolean". All fields are combined with logical 'AND'. */
export type Boolean_Comparison_Exp = {
  _eq?: InputMaybe<Scalars['Boolean']['input']>;
  _gt?: InputMaybe<Scalars['Boolean']['input']>;
  _gte?: InputMaybe<Scalars['Boolean']['input']>;
  _in?: InputMaybe<Array<Scalars['Boolean']['input']>>;
  _is_null?: InputMaybe<Scalars['Boolean']['input']>;
  _lt?: InputMaybe<Scalars['Boolean']['input']>;
  _lte?: InputMaybe<Scalars['Boolean']['input']>;
  _neq?: InputMaybe<Scalars['Boolean']['input']>;
  _nin?: InputMaybe<Array<Scalars['Boolean']['input']>>;
};

/** Boolean expression to compare columns of type "Int". All fields are combined with logical 'AND'. */
export type Int_Comparison_Exp = {
  _eq?: InputMaybe<Scalars['Int']['input']>;
  _gt?: InputMaybe<Scalars['Int']['input']>;
  _gte?: InputMaybe<Scalars['Int']['input']>;
  _in?: InputMaybe<Array<Scalars['Int']['input']>>;
  _is_null?: InputMaybe<Scalars['Boolean']['input']>;
  _lt?: InputMaybe<Scalars['Int']['input']>;
  _lte?: InputMaybe<Scalars['Int']['input']>;
  _neq?: InputMaybe<Scalars['Int']['input']>;
  _nin?: InputMaybe<Array<Scalars['Int']['input']>>;
};

/** Boolean expression to compare columns of type "String". All fields are combined with logical 'AND'. */
export type String_Comparison_Exp = {
  _eq?: InputMaybe<Scalars['String']['input']>;
  _gt?: InputMaybe<Scalars['String']['input']>;
  _gte?: InputMaybe<Scalars['String']['input']>;
  _ilike?: InputMaybe<Scalars['String']['input']>;
  _in?: InputMaybe<Array<Scalars['String']['input']>>;
  _iregex?: InputMaybe<Scalars['String']['input']>;
  _is_null?: InputMaybe<Scalars['Boolean']['input']>;
  _like?: InputMaybe<Scalars['String']['input']>;
  _lt?: InputMaybe<Scalars['String']['input']>;
  _lte?: InputMaybe<Scalars['String']['input']>;
  _neq?: InputMaybe<Scalars['String']['input']>;
  _nilike?: InputMaybe<Scalars['String']['input']>;
  _nin?: InputMaybe<Array<Scalars['String']['input']>>;
  _niregex?: InputMaybe<Scalars['String']['input']>;
  _nlike?: InputMaybe<Scalars['String']['input']>;
  _nregex?: InputMaybe<Scalars['String']['input']>;
  _nsimilar?: InputMaybe<Scalars['String']['input']>;
  _regex?: InputMaybe<Scalars['String']['input']>;
  _similar?: InputMaybe<Scalars['String']['input']>;
};

/** Boolean expression to filter rows from the table "ai_capabilities". All fields are combined with a logical 'AND'. */
export type Ai_Capabilities_Bool_Exp = {
  _and?: InputMaybe<Array<Ai_Capabilities_Bool_Exp>>;
  _not?: InputMaybe<Ai_Capabilities_Bool_Exp>;
  _or?: InputMaybe<Array<Ai_Capabilities_Bool_Exp>>;
  category?: InputMaybe<String_Comparison_Exp>;
  description?: InputMaybe<String_Comparison_Exp>;
  estimated_credits_enhanced?: InputMaybe<Numeric_Comparison_Exp>;
  estimated_credits_fast?: InputMaybe<Numeric_Comparison_Exp>;
  estimated_credits_premium?: InputMaybe<Numeric_Comparison_Exp>;
  icon?: InputMaybe<String_Comparison_Exp>;
  id?: InputMaybe<String_Comparison_Exp>;
  is_active?: InputMaybe<Boolean_Comparison_Exp>;
  name?: InputMaybe<String_Comparison_Exp>;
  plan_ai_capabilities?: InputMaybe<Plan_Ai_Capabilities_Bool_Exp>;
  unique_name?: InputMaybe<String_Comparison_Exp>;
};

/** Ordering options when selecting data from "ai_capabilities". */
export type Ai_Capabilities_Order_By = {
  category?: InputMaybe<Order_By>;
  description?: InputMaybe<Order_By>;
  estimated_credits_enhanced?: InputMaybe<Order_By>;
  estimated_credits_fast?: InputMaybe<Order_By>;
  estimated_credits_premium?: InputMaybe<Order_By>;
  icon?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  is_active?: InputMaybe<Order_By>;
  name?: InputMaybe<Order_By>;
  unique_name?: InputMaybe<Order_By>;
};

/** select columns of table "ai_capabilities" */
export type Ai_Capabilities_Select_Column =
  /** column name */
  | 'category'
  /** column name */
  | 'description'
  /** column name */
  | 'estimated_credits_enhanced'
  /** column name */
  | 'estimated_credits_fast'
  /** column name */
  | 'estimated_credits_premium'
  /** column name */
  | 'icon'
  /** column name */
  | 'id'
  /** column name */
  | 'is_active'
  /** column name */
  | 'name'
  /** column name */
  | 'unique_name';

/** Streaming cursor of the table "ai_capabilities" */
export type Ai_Capabilities_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Ai_Capabilities_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Ai_Capabilities_Stream_Cursor_Value_Input = {
  category?: InputMaybe<Scalars['String']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  estimated_credits_enhanced?: InputMaybe<Scalars['numeric']['input']>;
  estimated_credits_fast?: InputMaybe<Scalars['numeric']['input']>;
  estimated_credits_premium?: InputMaybe<Scalars['numeric']['input']>;
  icon?: InputMaybe<Scalars['String']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  is_active?: InputMaybe<Scalars['Boolean']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  unique_name?: InputMaybe<Scalars['String']['input']>;
};

/** Boolean expression to compare columns of type "bigint". All fields are combined with logical 'AND'. */
export type Bigint_Comparison_Exp = {
  _eq?: InputMaybe<Scalars['bigint']['input']>;
  _gt?: InputMaybe<Scalars['bigint']['input']>;
  _gte?: InputMaybe<Scalars['bigint']['input']>;
  _in?: InputMaybe<Array<Scalars['bigint']['input']>>;
  _is_null?: InputMaybe<Scalars['Boolean']['input']>;
  _lt?: InputMaybe<Scalars['bigint']['input']>;
  _lte?: InputMaybe<Scalars['bigint']['input']>;
  _neq?: InputMaybe<Scalars['bigint']['input']>;
  _nin?: InputMaybe<Array<Scalars['bigint']['input']>>;
};

/** Boolean expression to filter rows from the table "credit_notifications". All fields are combined with a logical 'AND'. */
export type Credit_Notifications_Bool_Exp = {
  _and?: InputMaybe<Array<Credit_Notifications_Bool_Exp>>;
  _not?: InputMaybe<Credit_Notifications_Bool_Exp>;
  _or?: InputMaybe<Array<Credit_Notifications_Bool_Exp>>;
  available_at_crossing?: InputMaybe<Numeric_Comparison_Exp>;
  created_at?: InputMaybe<Timestamptz_Comparison_Exp>;
  delivered_at?: InputMaybe<Timestamptz_Comparison_Exp>;
  delivery_status?: InputMaybe<String_Comparison_Exp>;
  episode?: InputMaybe<Int_Comparison_Exp>;
  id?: InputMaybe<String_Comparison_Exp>;
  kind?: InputMaybe<String_Comparison_Exp>;
  organization?: InputMaybe<Organizations_Bool_Exp>;
  organization_id?: InputMaybe<String_Comparison_Exp>;
  period_start?: InputMaybe<Timestamptz_Comparison_Exp>;
  threshold?: InputMaybe<Numeric_Comparison_Exp>;
};

/** Ordering options when selecting data from "credit_notifications". */
export type Credit_Notifications_Order_By = {
  available_at_crossing?: InputMaybe<Order_By>;
  created_at?: InputMaybe<Order_By>;
  delivered_at?: InputMaybe<Order_By>;
  delivery_status?: InputMaybe<Order_By>;
  episode?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  kind?: InputMaybe<Order_By>;
  organization?: InputMaybe<Organizations_Order_By>;
  organization_id?: InputMaybe<Order_By>;
  period_start?: InputMaybe<Order_By>;
  threshold?: InputMaybe<Order_By>;
};

/** select columns of table "credit_notifications" */
export type Credit_Notifications_Select_Column =
  /** column name */
  | 'available_at_crossing'
  /** column name */
  | 'created_at'
  /** column name */
  | 'delivered_at'
  /** column name */
  | 'delivery_status'
  /** column name */
  | 'episode'
  /** column name */
  | 'id'
  /** column name */
  | 'kind'
  /** column name */
  | 'organization_id'
  /** column name */
  | 'period_start'
  /** column name */
  | 'threshold';

/** Streaming cursor of the table "credit_notifications" */
export type Credit_Notifications_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Credit_Notifications_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Credit_Notifications_Stream_Cursor_Value_Input = {
  available_at_crossing?: InputMaybe<Scalars['numeric']['input']>;
  created_at?: InputMaybe<Scalars['timestamptz']['input']>;
  delivered_at?: InputMaybe<Scalars['timestamptz']['input']>;
  delivery_status?: InputMaybe<Scalars['String']['input']>;
  episode?: InputMaybe<Scalars['Int']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  kind?: InputMaybe<Scalars['String']['input']>;
  organization_id?: InputMaybe<Scalars['String']['input']>;
  period_start?: InputMaybe<Scalars['timestamptz']['input']>;
  threshold?: InputMaybe<Scalars['numeric']['input']>;
};

export type Credit_Reservations_Aggregate_Bool_Exp = {
  count?: InputMaybe<Credit_Reservations_Aggregate_Bool_Exp_Count>;
};

export type Credit_Reservations_Aggregate_Bool_Exp_Count = {
  arguments?: InputMaybe<Array<Credit_Reservations_Select_Column>>;
  distinct?: InputMaybe<Scalars['Boolean']['input']>;
  filter?: InputMaybe<Credit_Reservations_Bool_Exp>;
  predicate: Int_Comparison_Exp;
};

/** order by aggregate values of table "credit_reservations" */
export type Credit_Reservations_Aggregate_Order_By = {
  avg?: InputMaybe<Credit_Reservations_Avg_Order_By>;
  count?: InputMaybe<Order_By>;
  max?: InputMaybe<Credit_Reservations_Max_Order_By>;
  min?: InputMaybe<Credit_Reservations_Min_Order_By>;
  stddev?: InputMaybe<Credit_Reservations_Stddev_Order_By>;
  stddev_pop?: InputMaybe<Credit_Reservations_Stddev_Pop_Order_By>;
  stddev_samp?: InputMaybe<Credit_Reservations_Stddev_Samp_Order_By>;
  sum?: InputMaybe<Credit_Reservations_Sum_Order_By>;
  var_pop?: InputMaybe<Credit_Reservations_Var_Pop_Order_By>;
  var_samp?: InputMaybe<Credit_Reservations_Var_Samp_Order_By>;
  variance?: InputMaybe<Credit_Reservations_Variance_Order_By>;
};

/** order by avg() on columns of table "credit_reservations" */
export type Credit_Reservations_Avg_Order_By = {
  reserved_credits?: InputMaybe<Order_By>;
  settled_credits?: InputMaybe<Order_By>;
};

/** Boolean expression to filter rows from the table "credit_reservations". All fields are combined with a logical 'AND'. */
export type Credit_Reservations_Bool_Exp = {
  _and?: InputMaybe<Array<Credit_Reservations_Bool_Exp>>;
  _not?: InputMaybe<Credit_Reservations_Bool_Exp>;
  _or?: InputMaybe<Array<Credit_Reservations_Bool_Exp>>;
  ai_capability?: InputMaybe<Ai_Capabilities_Bool_Exp>;
  ai_capability_id?: InputMaybe<String_Comparison_Exp>;
  created_at?: InputMaybe<Timestamptz_Comparison_Exp>;
  expired_at?: InputMaybe<Timestamptz_Comparison_Exp>;
  expires_at?: InputMaybe<Timestamptz_Comparison_Exp>;
  id?: InputMaybe<String_Comparison_Exp>;
  llm_model?: InputMaybe<Llm_Models_Bool_Exp>;
  llm_model_id?: InputMaybe<String_Comparison_Exp>;
  organization?: InputMaybe<Organizations_Bool_Exp>;
  organization_id?: InputMaybe<String_Comparison_Exp>;
  quality_level?: InputMaybe<Quality_Levels_Bool_Exp>;
  quality_level_id?: InputMaybe<String_Comparison_Exp>;
  release_reason?: InputMaybe<String_Comparison_Exp>;
  released_at?: InputMaybe<Timestamptz_Comparison_Exp>;
  reserved_credits?: InputMaybe<Numeric_Comparison_Exp>;
  settled_at?: InputMaybe<Timestamptz_Comparison_Exp>;
  settled_credits?: InputMaybe<Numeric_Comparison_Exp>;
  settled_late?: InputMaybe<Boolean_Comparison_Exp>;
  status?: InputMaybe<String_Comparison_Exp>;
  transactions?: InputMaybe<Credit_Transactions_Bool_Exp>;
  transactions_aggregate?: InputMaybe<Credit_Transactions_Aggregate_Bool_Exp>;
};

/** order by max() on columns of table "credit_reservations" */
export type Credit_Reservations_Max_Order_By = {
  ai_capability_id?: InputMaybe<Order_By>;
  created_at?: InputMaybe<Order_By>;
  expired_at?: InputMaybe<Order_By>;
  expires_at?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  llm_model_id?: InputMaybe<Order_By>;
  organization_id?: InputMaybe<Order_By>;
  quality_level_id?: InputMaybe<Order_By>;
  release_reason?: InputMaybe<Order_By>;
  released_at?: InputMaybe<Order_By>;
  reserved_credits?: InputMaybe<Order_By>;
  settled_at?: InputMaybe<Order_By>;
  settled_credits?: InputMaybe<Order_By>;
  status?: InputMaybe<Order_By>;
};

/** order by min() on columns of table "credit_reservations" */
export type Credit_Reservations_Min_Order_By = {
  ai_capability_id?: InputMaybe<Order_By>;
  created_at?: InputMaybe<Order_By>;
  expired_at?: InputMaybe<Order_By>;
  expires_at?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  llm_model_id?: InputMaybe<Order_By>;
  organization_id?: InputMaybe<Order_By>;
  quality_level_id?: InputMaybe<Order_By>;
  release_reason?: InputMaybe<Order_By>;
  released_at?: InputMaybe<Order_By>;
  reserved_credits?: InputMaybe<Order_By>;
  settled_at?: InputMaybe<Order_By>;
  settled_credits?: InputMaybe<Order_By>;
  status?: InputMaybe<Order_By>;
};

/** Ordering options when selecting data from "credit_reservations". */
export type Credit_Reservations_Order_By = {
  ai_capability?: InputMaybe<Ai_Capabilities_Order_By>;
  ai_capability_id?: InputMaybe<Order_By>;
  created_at?: InputMaybe<Order_By>;
  expired_at?: InputMaybe<Order_By>;
  expires_at?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  llm_model?: InputMaybe<Llm_Models_Order_By>;
  llm_model_id?: InputMaybe<Order_By>;
  organization?: InputMaybe<Organizations_Order_By>;
  organization_id?: InputMaybe<Order_By>;
  quality_level?: InputMaybe<Quality_Levels_Order_By>;
  quality_level_id?: InputMaybe<Order_By>;
  release_reason?: InputMaybe<Order_By>;
  released_at?: InputMaybe<Order_By>;
  reserved_credits?: InputMaybe<Order_By>;
  settled_at?: InputMaybe<Order_By>;
  settled_credits?: InputMaybe<Order_By>;
  settled_late?: InputMaybe<Order_By>;
  status?: InputMaybe<Order_By>;
  transactions_aggregate?: InputMaybe<Credit_Transactions_Aggregate_Order_By>;
};

/** select columns of table "credit_reservations" */
export type Credit_Reservations_Select_Column =
  /** column name */
  | 'ai_capability_id'
  /** column name */
  | 'created_at'
  /** column name */
  | 'expired_at'
  /** column name */
  | 'expires_at'
  /** column name */
  | 'id'
  /** column name */
  | 'llm_model_id'
  /** column name */
  | 'organization_id'
  /** column name */
  | 'quality_level_id'
  /** column name */
  | 'release_reason'
  /** column name */
  | 'released_at'
  /** column name */
  | 'reserved_credits'
  /** column name */
  | 'settled_at'
  /** column name */
  | 'settled_credits'
  /** column name */
  | 'settled_late'
  /** column name */
  | 'status';

/** order by stddev() on columns of table "credit_reservations" */
export type Credit_Reservations_Stddev_Order_By = {
  reserved_credits?: InputMaybe<Order_By>;
  settled_credits?: InputMaybe<Order_By>;
};

/** order by stddev_pop() on columns of table "credit_reservations" */
export type Credit_Reservations_Stddev_Pop_Order_By = {
  reserved_credits?: InputMaybe<Order_By>;
  settled_credits?: InputMaybe<Order_By>;
};

/** order by stddev_samp() on columns of table "credit_reservations" */
export type Credit_Reservations_Stddev_Samp_Order_By = {
  reserved_credits?: InputMaybe<Order_By>;
  settled_credits?: InputMaybe<Order_By>;
};

/** Streaming cursor of the table "credit_reservations" */
export type Credit_Reservations_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Credit_Reservations_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Credit_Reservations_Stream_Cursor_Value_Input = {
  ai_capability_id?: InputMaybe<Scalars['String']['input']>;
  created_at?: InputMaybe<Scalars['timestamptz']['input']>;
  expired_at?: InputMaybe<Scalars['timestamptz']['input']>;
  expires_at?: InputMaybe<Scalars['timestamptz']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  llm_model_id?: InputMaybe<Scalars['String']['input']>;
  organization_id?: InputMaybe<Scalars['String']['input']>;
  quality_level_id?: InputMaybe<Scalars['String']['input']>;
  release_reason?: InputMaybe<Scalars['String']['input']>;
  released_at?: InputMaybe<Scalars['timestamptz']['input']>;
  reserved_credits?: InputMaybe<Scalars['numeric']['input']>;
  settled_at?: InputMaybe<Scalars['timestamptz']['input']>;
  settled_credits?: InputMaybe<Scalars['numeric']['input']>;
  settled_late?: InputMaybe<Scalars['Boolean']['input']>;
  status?: InputMaybe<Scalars['String']['input']>;
};

/** order by sum() on columns of table "credit_reservations" */
export type Credit_Reservations_Sum_Order_By = {
  reserved_credits?: InputMaybe<Order_By>;
  settled_credits?: InputMaybe<Order_By>;
};

/** order by var_pop() on columns of table "credit_reservations" */
export type Credit_Reservations_Var_Pop_Order_By = {
  reserved_credits?: InputMaybe<Order_By>;
  settled_credits?: InputMaybe<Order_By>;
};

/** order by var_samp() on columns of table "credit_reservations" */
export type Credit_Reservations_Var_Samp_Order_By = {
  reserved_credits?: InputMaybe<Order_By>;
  settled_credits?: InputMaybe<Order_By>;
};

/** order by variance() on columns of table "credit_reservations" */
export type Credit_Reservations_Variance_Order_By = {
  reserved_credits?: InputMaybe<Order_By>;
  settled_credits?: InputMaybe<Order_By>;
};

/** Boolean expression to filter rows from the table "credit_topup_packages". All fields are combined with a logical 'AND'. */
export type Credit_Topup_Packages_Bool_Exp = {
  _and?: InputMaybe<Array<Credit_Topup_Packages_Bool_Exp>>;
  _not?: InputMaybe<Credit_Topup_Packages_Bool_Exp>;
  _or?: InputMaybe<Array<Credit_Topup_Packages_Bool_Exp>>;
  credits?: InputMaybe<Int_Comparison_Exp>;
  description?: InputMaybe<String_Comparison_Exp>;
  display_order?: InputMaybe<Int_Comparison_Exp>;
  id?: InputMaybe<String_Comparison_Exp>;
  is_active?: InputMaybe<Boolean_Comparison_Exp>;
  name?: InputMaybe<String_Comparison_Exp>;
  price_per_credit?: InputMaybe<Numeric_Comparison_Exp>;
  price_usd_cents?: InputMaybe<Int_Comparison_Exp>;
  unique_name?: InputMaybe<String_Comparison_Exp>;
};

/** Ordering options when selecting data from "credit_topup_packages". */
export type Credit_Topup_Packages_Order_By = {
  credits?: InputMaybe<Order_By>;
  description?: InputMaybe<Order_By>;
  display_order?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  is_active?: InputMaybe<Order_By>;
  name?: InputMaybe<Order_By>;
  price_per_credit?: InputMaybe<Order_By>;
  price_usd_cents?: InputMaybe<Order_By>;
  unique_name?: InputMaybe<Order_By>;
};

/** select columns of table "credit_topup_packages" */
export type Credit_Topup_Packages_Select_Column =
  /** column name */
  | 'credits'
  /** column name */
  | 'description'
  /** column name */
  | 'display_order'
  /** column name */
  | 'id'
  /** column name */
  | 'is_active'
  /** column name */
  | 'name'
  /** column name */
  | 'price_per_credit'
  /** column name */
  | 'price_usd_cents'
  /** column name */
  | 'unique_name';

/** Streaming cursor of the table "credit_topup_packages" */
export type Credit_Topup_Packages_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Credit_Topup_Packages_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Credit_Topup_Packages_Stream_Cursor_Value_Input = {
  credits?: InputMaybe<Scalars['Int']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  display_order?: InputMaybe<Scalars['Int']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  is_active?: InputMaybe<Scalars['Boolean']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  price_per_credit?: InputMaybe<Scalars['numeric']['input']>;
  price_usd_cents?: InputMaybe<Scalars['Int']['input']>;
  unique_name?: InputMaybe<Scalars['String']['input']>;
};

export type Credit_Transactions_Aggregate_Bool_Exp = {
  count?: InputMaybe<Credit_Transactions_Aggregate_Bool_Exp_Count>;
};

export type Credit_Transactions_Aggregate_Bool_Exp_Count = {
  arguments?: InputMaybe<Array<Credit_Transactions_Select_Column>>;
  distinct?: InputMaybe<Scalars['Boolean']['input']>;
  filter?: InputMaybe<Credit_Transactions_Bool_Exp>;
  predicate: Int_Comparison_Exp;
};

/** order by aggregate values of table "credit_transactions" */
export type Credit_Transactions_Aggregate_Order_By = {
  avg?: InputMaybe<Credit_Transactions_Avg_Order_By>;
  count?: InputMaybe<Order_By>;
  max?: InputMaybe<Credit_Transactions_Max_Order_By>;
  min?: InputMaybe<Credit_Transactions_Min_Order_By>;
  stddev?: InputMaybe<Credit_Transactions_Stddev_Order_By>;
  stddev_pop?: InputMaybe<Credit_Transactions_Stddev_Pop_Order_By>;
  stddev_samp?: InputMaybe<Credit_Transactions_Stddev_Samp_Order_By>;
  sum?: InputMaybe<Credit_Transactions_Sum_Order_By>;
  var_pop?: InputMaybe<Credit_Transactions_Var_Pop_Order_By>;
  var_samp?: InputMaybe<Credit_Transactions_Var_Samp_Order_By>;
  variance?: InputMaybe<Credit_Transactions_Variance_Order_By>;
};

/** order by avg() on columns of table "credit_transactions" */
export type Credit_Transactions_Avg_Order_By = {
  balance_after?: InputMaybe<Order_By>;
  credits_amount?: InputMaybe<Order_By>;
  estimated_credits?: InputMaybe<Order_By>;
  estimation_variance?: InputMaybe<Order_By>;
  input_tokens?: InputMaybe<Order_By>;
  ledger_seq?: InputMaybe<Order_By>;
  output_tokens?: InputMaybe<Order_By>;
};

/** Boolean expression to filter rows from the table "credit_transactions". All fields are combined with a logical 'AND'. */
export type Credit_Transactions_Bool_Exp = {
  _and?: InputMaybe<Array<Credit_Transactions_Bool_Exp>>;
  _not?: InputMaybe<Credit_Transactions_Bool_Exp>;
  _or?: InputMaybe<Array<Credit_Transactions_Bool_Exp>>;
  ai_capability?: InputMaybe<Ai_Capabilities_Bool_Exp>;
  ai_capability_id?: InputMaybe<String_Comparison_Exp>;
  balance_after?: InputMaybe<Numeric_Comparison_Exp>;
  created_at?: InputMaybe<Timestamptz_Comparison_Exp>;
  credits_amount?: InputMaybe<Numeric_Comparison_Exp>;
  description?: InputMaybe<String_Comparison_Exp>;
  estimated_credits?: InputMaybe<Numeric_Comparison_Exp>;
  estimation_variance?: InputMaybe<Numeric_Comparison_Exp>;
  id?: InputMaybe<String_Comparison_Exp>;
  input_tokens?: InputMaybe<Bigint_Comparison_Exp>;
  ledger_seq?: InputMaybe<Bigint_Comparison_Exp>;
  llm_model?: InputMaybe<Llm_Models_Bool_Exp>;
  llm_model_id?: InputMaybe<String_Comparison_Exp>;
  organization?: InputMaybe<Organizations_Bool_Exp>;
  organization_id?: InputMaybe<String_Comparison_Exp>;
  output_tokens?: InputMaybe<Bigint_Comparison_Exp>;
  quality_level?: InputMaybe<Quality_Levels_Bool_Exp>;
  quality_level_id?: InputMaybe<String_Comparison_Exp>;
  reservation?: InputMaybe<Credit_Reservations_Bool_Exp>;
  reservation_id?: InputMaybe<String_Comparison_Exp>;
  transaction_type?: InputMaybe<String_Comparison_Exp>;
};

/** order by max() on columns of table "credit_transactions" */
export type Credit_Transactions_Max_Order_By = {
  ai_capability_id?: InputMaybe<Order_By>;
  balance_after?: InputMaybe<Order_By>;
  created_at?: InputMaybe<Order_By>;
  credits_amount?: InputMaybe<Order_By>;
  description?: InputMaybe<Order_By>;
  estimated_credits?: InputMaybe<Order_By>;
  estimation_variance?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  input_tokens?: InputMaybe<Order_By>;
  ledger_seq?: InputMaybe<Order_By>;
  llm_model_id?: InputMaybe<Order_By>;
  organization_id?: InputMaybe<Order_By>;
  output_tokens?: InputMaybe<Order_By>;
  quality_level_id?: InputMaybe<Order_By>;
  reservation_id?: InputMaybe<Order_By>;
  transaction_type?: InputMaybe<Order_By>;
};

/** order by min() on columns of table "credit_transactions" */
export type Credit_Transactions_Min_Order_By = {
  ai_capability_id?: InputMaybe<Order_By>;
  balance_after?: InputMaybe<Order_By>;
  created_at?: InputMaybe<Order_By>;
  credits_amount?: InputMaybe<Order_By>;
  description?: InputMaybe<Order_By>;
  estimated_credits?: InputMaybe<Order_By>;
  estimation_variance?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  input_tokens?: InputMaybe<Order_By>;
  ledger_seq?: InputMaybe<Order_By>;
  llm_model_id?: InputMaybe<Order_By>;
  organization_id?: InputMaybe<Order_By>;
  output_tokens?: InputMaybe<Order_By>;
  quality_level_id?: InputMaybe<Order_By>;
  reservation_id?: InputMaybe<Order_By>;
  transaction_type?: InputMaybe<Order_By>;
};

/** Ordering options when selecting data from "credit_transactions". */
export type Credit_Transactions_Order_By = {
  ai_capability?: InputMaybe<Ai_Capabilities_Order_By>;
  ai_capability_id?: InputMaybe<Order_By>;
  balance_after?: InputMaybe<Order_By>;
  created_at?: InputMaybe<Order_By>;
  credits_amount?: InputMaybe<Order_By>;
  description?: InputMaybe<Order_By>;
  estimated_credits?: InputMaybe<Order_By>;
  estimation_variance?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  input_tokens?: InputMaybe<Order_By>;
  ledger_seq?: InputMaybe<Order_By>;
  llm_model?: InputMaybe<Llm_Models_Order_By>;
  llm_model_id?: InputMaybe<Order_By>;
  organization?: InputMaybe<Organizations_Order_By>;
  organization_id?: InputMaybe<Order_By>;
  output_tokens?: InputMaybe<Order_By>;
  quality_level?: InputMaybe<Quality_Levels_Order_By>;
  quality_level_id?: InputMaybe<Order_By>;
  reservation?: InputMaybe<Credit_Reservations_Order_By>;
  reservation_id?: InputMaybe<Order_By>;
  transaction_type?: InputMaybe<Order_By>;
};

/** select columns of table "credit_transactions" */
export type Credit_Transactions_Select_Column =
  /** column name */
  | 'ai_capability_id'
  /** column name */
  | 'balance_after'
  /** column name */
  | 'created_at'
  /** column name */
  | 'credits_amount'
  /** column name */
  | 'description'
  /** column name */
  | 'estimated_credits'
  /** column name */
  | 'estimation_variance'
  /** column name */
  | 'id'
  /** column name */
  | 'input_tokens'
  /** column name */
  | 'ledger_seq'
  /** column name */
  | 'llm_model_id'
  /** column name */
  | 'organization_id'
  /** column name */
  | 'output_tokens'
  /** column name */
  | 'quality_level_id'
  /** column name */
  | 'reservation_id'
  /** column name */
  | 'transaction_type';

/** order by stddev() on columns of table "credit_transactions" */
export type Credit_Transactions_Stddev_Order_By = {
  balance_after?: InputMaybe<Order_By>;
  credits_amount?: InputMaybe<Order_By>;
  estimated_credits?: InputMaybe<Order_By>;
  estimation_variance?: InputMaybe<Order_By>;
  input_tokens?: InputMaybe<Order_By>;
  ledger_seq?: InputMaybe<Order_By>;
  output_tokens?: InputMaybe<Order_By>;
};

/** order by stddev_pop() on columns of table "credit_transactions" */
export type Credit_Transactions_Stddev_Pop_Order_By = {
  balance_after?: InputMaybe<Order_By>;
  credits_amount?: InputMaybe<Order_By>;
  estimated_credits?: InputMaybe<Order_By>;
  estimation_variance?: InputMaybe<Order_By>;
  input_tokens?: InputMaybe<Order_By>;
  ledger_seq?: InputMaybe<Order_By>;
  output_tokens?: InputMaybe<Order_By>;
};

/** order by stddev_samp() on columns of table "credit_transactions" */
export type Credit_Transactions_Stddev_Samp_Order_By = {
  balance_after?: InputMaybe<Order_By>;
  credits_amount?: InputMaybe<Order_By>;
  estimated_credits?: InputMaybe<Order_By>;
  estimation_variance?: InputMaybe<Order_By>;
  input_tokens?: InputMaybe<Order_By>;
  ledger_seq?: InputMaybe<Order_By>;
  output_tokens?: InputMaybe<Order_By>;
};

/** Streaming cursor of the table "credit_transactions" */
export type Credit_Transactions_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Credit_Transactions_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Credit_Transactions_Stream_Cursor_Value_Input = {
  ai_capability_id?: InputMaybe<Scalars['String']['input']>;
  balance_after?: InputMaybe<Scalars['numeric']['input']>;
  created_at?: InputMaybe<Scalars['timestamptz']['input']>;
  credits_amount?: InputMaybe<Scalars['numeric']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  estimated_credits?: InputMaybe<Scalars['numeric']['input']>;
  estimation_variance?: InputMaybe<Scalars['numeric']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  input_tokens?: InputMaybe<Scalars['bigint']['input']>;
  ledger_seq?: InputMaybe<Scalars['bigint']['input']>;
  llm_model_id?: InputMaybe<Scalars['String']['input']>;
  organization_id?: InputMaybe<Scalars['String']['input']>;
  output_tokens?: InputMaybe<Scalars['bigint']['input']>;
  quality_level_id?: InputMaybe<Scalars['String']['input']>;
  reservation_id?: InputMaybe<Scalars['String']['input']>;
  transaction_type?: InputMaybe<Scalars['String']['input']>;
};

/** order by sum() on columns of table "credit_transactions" */
export type Credit_Transactions_Sum_Order_By = {
  balance_after?: InputMaybe<Order_By>;
  credits_amount?: InputMaybe<Order_By>;
  estimated_credits?: InputMaybe<Order_By>;
  estimation_variance?: InputMaybe<Order_By>;
  input_tokens?: InputMaybe<Order_By>;
  ledger_seq?: InputMaybe<Order_By>;
  output_tokens?: InputMaybe<Order_By>;
};

/** order by var_pop() on columns of table "credit_transactions" */
export type Credit_Transactions_Var_Pop_Order_By = {
  balance_after?: InputMaybe<Order_By>;
  credits_amount?: InputMaybe<Order_By>;
  estimated_credits?: InputMaybe<Order_By>;
  estimation_variance?: InputMaybe<Order_By>;
  input_tokens?: InputMaybe<Order_By>;
  ledger_seq?: InputMaybe<Order_By>;
  output_tokens?: InputMaybe<Order_By>;
};

/** order by var_samp() on columns of table "credit_transactions" */
export type Credit_Transactions_Var_Samp_Order_By = {
  balance_after?: InputMaybe<Order_By>;
  credits_amount?: InputMaybe<Order_By>;
  estimated_credits?: InputMaybe<Order_By>;
  estimation_variance?: InputMaybe<Order_By>;
  input_tokens?: InputMaybe<Order_By>;
  ledger_seq?: InputMaybe<Order_By>;
  output_tokens?: InputMaybe<Order_By>;
};

/** order by variance() on columns of table "credit_transactions" */
export type Credit_Transactions_Variance_Order_By = {
  balance_after?: InputMaybe<Order_By>;
  credits_amount?: InputMaybe<Order_By>;
  estimated_credits?: InputMaybe<Order_By>;
  estimation_variance?: InputMaybe<Order_By>;
  input_tokens?: InputMaybe<Order_By>;
  ledger_seq?: InputMaybe<Order_By>;
  output_tokens?: InputMaybe<Order_By>;
};

/** Boolean expression to filter rows from the table "credit_usage_daily". All fields are combined with a logical 'AND'. */
export type Credit_Usage_Daily_Bool_Exp = {
  _and?: InputMaybe<Array<Credit_Usage_Daily_Bool_Exp>>;
  _not?: InputMaybe<Credit_Usage_Daily_Bool_Exp>;
  _or?: InputMaybe<Array<Credit_Usage_Daily_Bool_Exp>>;
  ai_capability?: InputMaybe<Ai_Capabilities_Bool_Exp>;
  ai_capability_id?: InputMaybe<String_Comparison_Exp>;
  credits?: InputMaybe<Numeric_Comparison_Exp>;
  day?: InputMaybe<Date_Comparison_Exp>;
  input_tokens?: InputMaybe<Bigint_Comparison_Exp>;
  llm_model?: InputMaybe<Llm_Models_Bool_Exp>;
  llm_model_id?: InputMaybe<String_Comparison_Exp>;
  operations?: InputMaybe<Int_Comparison_Exp>;
  organization?: InputMaybe<Organizations_Bool_Exp>;
  organization_id?: InputMaybe<String_Comparison_Exp>;
  output_tokens?: InputMaybe<Bigint_Comparison_Exp>;
  quality_level?: InputMaybe<Quality_Levels_Bool_Exp>;
  quality_level_id?: InputMaybe<String_Comparison_Exp>;
};

/** Ordering options when selecting data from "credit_usage_daily". */
export type Credit_Usage_Daily_Order_By = {
  ai_capability?: InputMaybe<Ai_Capabilities_Order_By>;
  ai_capability_id?: InputMaybe<Order_By>;
  credits?: InputMaybe<Order_By>;
  day?: InputMaybe<Order_By>;
  input_tokens?: InputMaybe<Order_By>;
  llm_model?: InputMaybe<Llm_Models_Order_By>;
  llm_model_id?: InputMaybe<Order_By>;
  operations?: InputMaybe<Order_By>;
  organization?: InputMaybe<Organizations_Order_By>;
  organization_id?: InputMaybe<Order_By>;
  output_tokens?: InputMaybe<Order_By>;
  quality_level?: InputMaybe<Quality_Levels_Order_By>;
  quality_level_id?: InputMaybe<Order_By>;
};

/** select columns of table "credit_usage_daily" */
export type Credit_Usage_Daily_Select_Column =
  /** column name */
  | 'ai_capability_id'
  /** column name */
  | 'credits'
  /** column name */
  | 'day'
  /** column name */
  | 'input_tokens'
  /** column name */
  | 'llm_model_id'
  /** column name */
  | 'operations'
  /** column name */
  | 'organization_id'
  /** column name */
  | 'output_tokens'
  /** column name */
  | 'quality_level_id';

/** Streaming cursor of the table "credit_usage_daily" */
export type Credit_Usage_Daily_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Credit_Usage_Daily_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Credit_Usage_Daily_Stream_Cursor_Value_Input = {
  ai_capability_id?: InputMaybe<Scalars['String']['input']>;
  credits?: InputMaybe<Scalars['numeric']['input']>;
  day?: InputMaybe<Scalars['date']['input']>;
  input_tokens?: InputMaybe<Scalars['bigint']['input']>;
  llm_model_id?: InputMaybe<Scalars['String']['input']>;
  operations?: InputMaybe<Scalars['Int']['input']>;
  organization_id?: InputMaybe<Scalars['String']['input']>;
  output_tokens?: InputMaybe<Scalars['bigint']['input']>;
  quality_level_id?: InputMaybe<Scalars['String']['input']>;
};

/** ordering argument of a cursor */
export type Cursor_Ordering =
  /** ascending ordering of the cursor */
  | 'ASC'
  /** descending ordering of the cursor */
  | 'DESC';

/** Boolean expression to compare columns of type "date". All fields are combined with logical 'AND'. */
export type Date_Comparison_Exp = {
  _eq?: InputMaybe<Scalars['date']['input']>;
  _gt?: InputMaybe<Scalars['date']['input']>;
  _gte?: InputMaybe<Scalars['date']['input']>;
  _in?: InputMaybe<Array<Scalars['date']['input']>>;
  _is_null?: InputMaybe<Scalars['Boolean']['input']>;
  _lt?: InputMaybe<Scalars['date']['input']>;
  _lte?: InputMaybe<Scalars['date']['input']>;
  _neq?: InputMaybe<Scalars['date']['input']>;
  _nin?: InputMaybe<Array<Scalars['date']['input']>>;
};

/** Boolean expression to filter rows from the table "llm_models". All fields are combined with a logical 'AND'. */
export type Llm_Models_Bool_Exp = {
  _and?: InputMaybe<Array<Llm_Models_Bool_Exp>>;
  _not?: InputMaybe<Llm_Models_Bool_Exp>;
  _or?: InputMaybe<Array<Llm_Models_Bool_Exp>>;
  context_window?: InputMaybe<Int_Comparison_Exp>;
  deprecated_at?: InputMaybe<Timestamptz_Comparison_Exp>;
  display_name?: InputMaybe<String_Comparison_Exp>;
  display_order?: InputMaybe<Int_Comparison_Exp>;
  id?: InputMaybe<String_Comparison_Exp>;
  is_active?: InputMaybe<Boolean_Comparison_Exp>;
  model_id?: InputMaybe<String_Comparison_Exp>;
  plan_quality_level_models?: InputMaybe<Plan_Quality_Level_Models_Bool_Exp>;
  provider?: InputMaybe<String_Comparison_Exp>;
  quality_tier?: InputMaybe<String_Comparison_Exp>;
  replacement_model?: InputMaybe<Llm_Models_Bool_Exp>;
  replacement_model_id?: InputMaybe<String_Comparison_Exp>;
  unique_name?: InputMaybe<String_Comparison_Exp>;
};

/** Ordering options when selecting data from "llm_models". */
export type Llm_Models_Order_By = {
  context_window?: InputMaybe<Order_By>;
  deprecated_at?: InputMaybe<Order_By>;
  display_name?: InputMaybe<Order_By>;
  display_order?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  is_active?: InputMaybe<Order_By>;
  model_id?: InputMaybe<Order_By>;
  provider?: InputMaybe<Order_By>;
  quality_tier?: InputMaybe<Order_By>;
  replacement_model?: InputMaybe<Llm_Models_Order_By>;
  replacement_model_id?: InputMaybe<Order_By>;
  unique_name?: InputMaybe<Order_By>;
};

/** select columns of table "llm_models" */
export type Llm_Models_Select_Column =
  /** column name */
  | 'context_window'
  /** column name */
  | 'deprecated_at'
  /** column name */
  | 'display_name'
  /** column name */
  | 'display_order'
  /** column name */
  | 'id'
  /** column name */
  | 'is_active'
  /** column name */
  | 'model_id'
  /** column name */
  | 'provider'
  /** column name */
  | 'quality_tier'
  /** column name */
  | 'replacement_model_id'
  /** column name */
  | 'unique_name';

/** Streaming cursor of the table "llm_models" */
export type Llm_Models_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Llm_Models_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Llm_Models_Stream_Cursor_Value_Input = {
  context_window?: InputMaybe<Scalars['Int']['input']>;
  deprecated_at?: InputMaybe<Scalars['timestamptz']['input']>;
  display_name?: InputMaybe<Scalars['String']['input']>;
  display_order?: InputMaybe<Scalars['Int']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  is_active?: InputMaybe<Scalars['Boolean']['input']>;
  model_id?: InputMaybe<Scalars['String']['input']>;
  provider?: InputMaybe<Scalars['String']['input']>;
  quality_tier?: InputMaybe<Scalars['String']['input']>;
  replacement_model_id?: InputMaybe<Scalars['String']['input']>;
  unique_name?: InputMaybe<Scalars['String']['input']>;
};

/** Boolean expression to compare columns of type "numeric". All fields are combined with logical 'AND'. */
export type Numeric_Comparison_Exp = {
  _eq?: InputMaybe<Scalars['numeric']['input']>;
  _gt?: InputMaybe<Scalars['numeric']['input']>;
  _gte?: InputMaybe<Scalars['numeric']['input']>;
  _in?: InputMaybe<Array<Scalars['numeric']['input']>>;
  _is_null?: InputMaybe<Scalars['Boolean']['input']>;
  _lt?: InputMaybe<Scalars['numeric']['input']>;
  _lte?: InputMaybe<Scalars['numeric']['input']>;
  _neq?: InputMaybe<Scalars['numeric']['input']>;
  _nin?: InputMaybe<Array<Scalars['numeric']['input']>>;
};

/** column ordering options */
export type Order_By =
  /** in ascending order, nulls last */
  | 'asc'
  /** in ascending order, nulls first */
  | 'asc_nulls_first'
  /** in ascending order, nulls last */
  | 'asc_nulls_last'
  /** in descending order, nulls first */
  | 'desc'
  /** in descending order, nulls first */
  | 'desc_nulls_first'
  /** in descending order, nulls last */
  | 'desc_nulls_last';

/** Boolean expression to filter rows from the table "organization_credit_balances". All fields are combined with a logical 'AND'. */
export type Organization_Credit_Balances_Bool_Exp = {
  _and?: InputMaybe<Array<Organization_Credit_Balances_Bool_Exp>>;
  _not?: InputMaybe<Organization_Credit_Balances_Bool_Exp>;
  _or?: InputMaybe<Array<Organization_Credit_Balances_Bool_Exp>>;
  available?: InputMaybe<Numeric_Comparison_Exp>;
  bonus_credits?: InputMaybe<Numeric_Comparison_Exp>;
  effective_low_balance_threshold?: InputMaybe<Numeric_Comparison_Exp>;
  id?: InputMaybe<String_Comparison_Exp>;
  low_balance_threshold?: InputMaybe<Numeric_Comparison_Exp>;
  monthly_credits?: InputMaybe<Numeric_Comparison_Exp>;
  monthly_remaining?: InputMaybe<Numeric_Comparison_Exp>;
  organization?: InputMaybe<Organizations_Bool_Exp>;
  organization_id?: InputMaybe<String_Comparison_Exp>;
  overdraft_limit?: InputMaybe<Numeric_Comparison_Exp>;
  period_end?: InputMaybe<Timestamptz_Comparison_Exp>;
  period_start?: InputMaybe<Timestamptz_Comparison_Exp>;
  reserved_credits?: InputMaybe<Numeric_Comparison_Exp>;
  spendable?: InputMaybe<Numeric_Comparison_Exp>;
  updated_at?: InputMaybe<Timestamptz_Comparison_Exp>;
  used_this_period?: InputMaybe<Numeric_Comparison_Exp>;
};

/** Ordering options when selecting data from "organization_credit_balances". */
export type Organization_Credit_Balances_Order_By = {
  available?: InputMaybe<Order_By>;
  bonus_credits?: InputMaybe<Order_By>;
  effective_low_balance_threshold?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  low_balance_threshold?: InputMaybe<Order_By>;
  monthly_credits?: InputMaybe<Order_By>;
  monthly_remaining?: InputMaybe<Order_By>;
  organization?: InputMaybe<Organizations_Order_By>;
  organization_id?: InputMaybe<Order_By>;
  overdraft_limit?: InputMaybe<Order_By>;
  period_end?: InputMaybe<Order_By>;
  period_start?: InputMaybe<Order_By>;
  reserved_credits?: InputMaybe<Order_By>;
  spendable?: InputMaybe<Order_By>;
  updated_at?: InputMaybe<Order_By>;
  used_this_period?: InputMaybe<Order_By>;
};

/** select columns of table "organization_credit_balances" */
export type Organization_Credit_Balances_Select_Column =
  /** column name */
  | 'bonus_credits'
  /** column name */
  | 'id'
  /** column name */
  | 'low_balance_threshold'
  /** column name */
  | 'monthly_credits'
  /** column name */
  | 'organization_id'
  /** column name */
  | 'overdraft_limit'
  /** column name */
  | 'period_end'
  /** column name */
  | 'period_start'
  /** column name */
  | 'reserved_credits'
  /** column name */
  | 'updated_at'
  /** column name */
  | 'used_this_period';

/** Streaming cursor of the table "organization_credit_balances" */
export type Organization_Credit_Balances_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Organization_Credit_Balances_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Organization_Credit_Balances_Stream_Cursor_Value_Input = {
  bonus_credits?: InputMaybe<Scalars['numeric']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  low_balance_threshold?: InputMaybe<Scalars['numeric']['input']>;
  monthly_credits?: InputMaybe<Scalars['numeric']['input']>;
  organization_id?: InputMaybe<Scalars['String']['input']>;
  overdraft_limit?: InputMaybe<Scalars['numeric']['input']>;
  period_end?: InputMaybe<Scalars['timestamptz']['input']>;
  period_start?: InputMaybe<Scalars['timestamptz']['input']>;
  reserved_credits?: InputMaybe<Scalars['numeric']['input']>;
  updated_at?: InputMaybe<Scalars['timestamptz']['input']>;
  used_this_period?: InputMaybe<Scalars['numeric']['input']>;
};

/** Boolean expression to filter rows from the table "organization_members". All fields are combined with a logical 'AND'. */
export type Organization_Members_Bool_Exp = {
  _and?: InputMaybe<Array<Organization_Members_Bool_Exp>>;
  _not?: InputMaybe<Organization_Members_Bool_Exp>;
  _or?: InputMaybe<Array<Organization_Members_Bool_Exp>>;
  created_at?: InputMaybe<Timestamptz_Comparison_Exp>;
  id?: InputMaybe<String_Comparison_Exp>;
  organization?: InputMaybe<Organizations_Bool_Exp>;
  organization_id?: InputMaybe<String_Comparison_Exp>;
  role?: InputMaybe<String_Comparison_Exp>;
  user?: InputMaybe<Users_Bool_Exp>;
  user_id?: InputMaybe<String_Comparison_Exp>;
};

/** Ordering options when selecting data from "organization_members". */
export type Organization_Members_Order_By = {
  created_at?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  organization?: InputMaybe<Organizations_Order_By>;
  organization_id?: InputMaybe<Order_By>;
  role?: InputMaybe<Order_By>;
  user?: InputMaybe<Users_Order_By>;
  user_id?: InputMaybe<Order_By>;
};

/** select columns of table "organization_members" */
export type Organization_Members_Select_Column =
  /** column name */
  | 'created_at'
  /** column name */
  | 'id'
  /** column name */
  | 'organization_id'
  /** column name */
  | 'role'
  /** column name */
  | 'user_id';

/** Streaming cursor of the table "organization_members" */
export type Organization_Members_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Organization_Members_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Organization_Members_Stream_Cursor_Value_Input = {
  created_at?: InputMaybe<Scalars['timestamptz']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  organization_id?: InputMaybe<Scalars['String']['input']>;
  role?: InputMaybe<Scalars['String']['input']>;
  user_id?: InputMaybe<Scalars['String']['input']>;
};

/** Boolean expression to filter rows from the table "organization_plans". All fields are combined with a logical 'AND'. */
export type Organization_Plans_Bool_Exp = {
  _and?: InputMaybe<Array<Organization_Plans_Bool_Exp>>;
  _not?: InputMaybe<Organization_Plans_Bool_Exp>;
  _or?: InputMaybe<Array<Organization_Plans_Bool_Exp>>;
  current_period_end?: InputMaybe<Timestamptz_Comparison_Exp>;
  current_period_start?: InputMaybe<Timestamptz_Comparison_Exp>;
  id?: InputMaybe<String_Comparison_Exp>;
  monthly_ai_credits?: InputMaybe<Int_Comparison_Exp>;
  organization?: InputMaybe<Organizations_Bool_Exp>;
  organization_id?: InputMaybe<String_Comparison_Exp>;
  pending_change_at?: InputMaybe<Timestamptz_Comparison_Exp>;
  pending_plan?: InputMaybe<Plans_Bool_Exp>;
  pending_plan_id?: InputMaybe<String_Comparison_Exp>;
  plan?: InputMaybe<Plans_Bool_Exp>;
  plan_id?: InputMaybe<String_Comparison_Exp>;
  status?: InputMaybe<String_Comparison_Exp>;
};

/** Ordering options when selecting data from "organization_plans". */
export type Organization_Plans_Order_By = {
  current_period_end?: InputMaybe<Order_By>;
  current_period_start?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  monthly_ai_credits?: InputMaybe<Order_By>;
  organization?: InputMaybe<Organizations_Order_By>;
  organization_id?: InputMaybe<Order_By>;
  pending_change_at?: InputMaybe<Order_By>;
  pending_plan?: InputMaybe<Plans_Order_By>;
  pending_plan_id?: InputMaybe<Order_By>;
  plan?: InputMaybe<Plans_Order_By>;
  plan_id?: InputMaybe<Order_By>;
  status?: InputMaybe<Order_By>;
};

/** select columns of table "organization_plans" */
export type Organization_Plans_Select_Column =
  /** column name */
  | 'current_period_end'
  /** column name */
  | 'current_period_start'
  /** column name */
  | 'id'
  /** column name */
  | 'monthly_ai_credits'
  /** column name */
  | 'organization_id'
  /** column name */
  | 'pending_change_at'
  /** column name */
  | 'pending_plan_id'
  /** column name */
  | 'plan_id'
  /** column name */
  | 'status';

/** Streaming cursor of the table "organization_plans" */
export type Organization_Plans_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Organization_Plans_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Organization_Plans_Stream_Cursor_Value_Input = {
  current_period_end?: InputMaybe<Scalars['timestamptz']['input']>;
  current_period_start?: InputMaybe<Scalars['timestamptz']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  monthly_ai_credits?: InputMaybe<Scalars['Int']['input']>;
  organization_id?: InputMaybe<Scalars['String']['input']>;
  pending_change_at?: InputMaybe<Scalars['timestamptz']['input']>;
  pending_plan_id?: InputMaybe<Scalars['String']['input']>;
  plan_id?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<Scalars['String']['input']>;
};

/** Boolean expression to filter rows from the table "organizations". All fields are combined with a logical 'AND'. */
export type Organizations_Bool_Exp = {
  _and?: InputMaybe<Array<Organizations_Bool_Exp>>;
  _not?: InputMaybe<Organizations_Bool_Exp>;
  _or?: InputMaybe<Array<Organizations_Bool_Exp>>;
  created_at?: InputMaybe<Timestamptz_Comparison_Exp>;
  credit_balance?: InputMaybe<Organization_Credit_Balances_Bool_Exp>;
  credit_notifications?: InputMaybe<Credit_Notifications_Bool_Exp>;
  credit_reservations?: InputMaybe<Credit_Reservations_Bool_Exp>;
  credit_reservations_aggregate?: InputMaybe<Credit_Reservations_Aggregate_Bool_Exp>;
  credit_transactions?: InputMaybe<Credit_Transactions_Bool_Exp>;
  credit_transactions_aggregate?: InputMaybe<Credit_Transactions_Aggregate_Bool_Exp>;
  credits_available?: InputMaybe<Numeric_Comparison_Exp>;
  credits_spendable?: InputMaybe<Numeric_Comparison_Exp>;
  credits_used_this_period?: InputMaybe<Numeric_Comparison_Exp>;
  id?: InputMaybe<String_Comparison_Exp>;
  members?: InputMaybe<Organization_Members_Bool_Exp>;
  name?: InputMaybe<String_Comparison_Exp>;
  organization_plans?: InputMaybe<Organization_Plans_Bool_Exp>;
  slug?: InputMaybe<String_Comparison_Exp>;
};

/** Ordering options when selecting data from "organizations". */
export type Organizations_Order_By = {
  created_at?: InputMaybe<Order_By>;
  credit_balance?: InputMaybe<Organization_Credit_Balances_Order_By>;
  credit_reservations_aggregate?: InputMaybe<Credit_Reservations_Aggregate_Order_By>;
  credit_transactions_aggregate?: InputMaybe<Credit_Transactions_Aggregate_Order_By>;
  credits_available?: InputMaybe<Order_By>;
  credits_spendable?: InputMaybe<Order_By>;
  credits_used_this_period?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  name?: InputMaybe<Order_By>;
  slug?: InputMaybe<Order_By>;
};

/** select columns of table "organizations" */
export type Organizations_Select_Column =
  /** column name */
  | 'created_at'
  /** column name */
  | 'id'
  /** column name */
  | 'name'
  /** column name */
  | 'slug';

/** Streaming cursor of the table "organizations" */
export type Organizations_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Organizations_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Organizations_Stream_Cursor_Value_Input = {
  created_at?: InputMaybe<Scalars['timestamptz']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  slug?: InputMaybe<Scalars['String']['input']>;
};

/** Boolean expression to filter rows from the table "plan_ai_capabilities". All fields are combined with a logical 'AND'. */
export type Plan_Ai_Capabilities_Bool_Exp = {
  _and?: InputMaybe<Array<Plan_Ai_Capabilities_Bool_Exp>>;
  _not?: InputMaybe<Plan_Ai_Capabilities_Bool_Exp>;
  _or?: InputMaybe<Array<Plan_Ai_Capabilities_Bool_Exp>>;
  ai_capability?: InputMaybe<Ai_Capabilities_Bool_Exp>;
  ai_capability_id?: InputMaybe<String_Comparison_Exp>;
  id?: InputMaybe<String_Comparison_Exp>;
  is_enabled?: InputMaybe<Boolean_Comparison_Exp>;
  plan?: InputMaybe<Plans_Bool_Exp>;
  plan_id?: InputMaybe<String_Comparison_Exp>;
  quality_levels?: InputMaybe<Plan_Ai_Capability_Quality_Levels_Bool_Exp>;
  rate_limit_rpd?: InputMaybe<Int_Comparison_Exp>;
  rate_limit_rpm?: InputMaybe<Int_Comparison_Exp>;
};

/** Ordering options when selecting data from "plan_ai_capabilities". */
export type Plan_Ai_Capabilities_Order_By = {
  ai_capability?: InputMaybe<Ai_Capabilities_Order_By>;
  ai_capability_id?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  is_enabled?: InputMaybe<Order_By>;
  plan?: InputMaybe<Plans_Order_By>;
  plan_id?: InputMaybe<Order_By>;
  rate_limit_rpd?: InputMaybe<Order_By>;
  rate_limit_rpm?: InputMaybe<Order_By>;
};

/** select columns of table "plan_ai_capabilities" */
export type Plan_Ai_Capabilities_Select_Column =
  /** column name */
  | 'ai_capability_id'
  /** column name */
  | 'id'
  /** column name */
  | 'is_enabled'
  /** column name */
  | 'plan_id'
  /** column name */
  | 'rate_limit_rpd'
  /** column name */
  | 'rate_limit_rpm';

/** Streaming cursor of the table "plan_ai_capabilities" */
export type Plan_Ai_Capabilities_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Plan_Ai_Capabilities_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Plan_Ai_Capabilities_Stream_Cursor_Value_Input = {
  ai_capability_id?: InputMaybe<Scalars['String']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  is_enabled?: InputMaybe<Scalars['Boolean']['input']>;
  plan_id?: InputMaybe<Scalars['String']['input']>;
  rate_limit_rpd?: InputMaybe<Scalars['Int']['input']>;
  rate_limit_rpm?: InputMaybe<Scalars['Int']['input']>;
};

/** Boolean expression to filter rows from the table "plan_ai_capability_quality_levels". All fields are combined with a logical 'AND'. */
export type Plan_Ai_Capability_Quality_Levels_Bool_Exp = {
  _and?: InputMaybe<Array<Plan_Ai_Capability_Quality_Levels_Bool_Exp>>;
  _not?: InputMaybe<Plan_Ai_Capability_Quality_Levels_Bool_Exp>;
  _or?: InputMaybe<Array<Plan_Ai_Capability_Quality_Levels_Bool_Exp>>;
  id?: InputMaybe<String_Comparison_Exp>;
  models?: InputMaybe<Plan_Quality_Level_Models_Bool_Exp>;
  plan_ai_capability?: InputMaybe<Plan_Ai_Capabilities_Bool_Exp>;
  plan_ai_capability_id?: InputMaybe<String_Comparison_Exp>;
  quality_level?: InputMaybe<Quality_Levels_Bool_Exp>;
  quality_level_id?: InputMaybe<String_Comparison_Exp>;
};

/** Ordering options when selecting data from "plan_ai_capability_quality_levels". */
export type Plan_Ai_Capability_Quality_Levels_Order_By = {
  id?: InputMaybe<Order_By>;
  plan_ai_capability?: InputMaybe<Plan_Ai_Capabilities_Order_By>;
  plan_ai_capability_id?: InputMaybe<Order_By>;
  quality_level?: InputMaybe<Quality_Levels_Order_By>;
  quality_level_id?: InputMaybe<Order_By>;
};

/** select columns of table "plan_ai_capability_quality_levels" */
export type Plan_Ai_Capability_Quality_Levels_Select_Column =
  /** column name */
  | 'id'
  /** column name */
  | 'plan_ai_capability_id'
  /** column name */
  | 'quality_level_id';

/** Streaming cursor of the table "plan_ai_capability_quality_levels" */
export type Plan_Ai_Capability_Quality_Levels_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Plan_Ai_Capability_Quality_Levels_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Plan_Ai_Capability_Quality_Levels_Stream_Cursor_Value_Input = {
  id?: InputMaybe<Scalars['String']['input']>;
  plan_ai_capability_id?: InputMaybe<Scalars['String']['input']>;
  quality_level_id?: InputMaybe<Scalars['String']['input']>;
};

/** Boolean expression to filter rows from the table "plan_quality_level_models". All fields are combined with a logical 'AND'. */
export type Plan_Quality_Level_Models_Bool_Exp = {
  _and?: InputMaybe<Array<Plan_Quality_Level_Models_Bool_Exp>>;
  _not?: InputMaybe<Plan_Quality_Level_Models_Bool_Exp>;
  _or?: InputMaybe<Array<Plan_Quality_Level_Models_Bool_Exp>>;
  id?: InputMaybe<String_Comparison_Exp>;
  is_default?: InputMaybe<Boolean_Comparison_Exp>;
  llm_model?: InputMaybe<Llm_Models_Bool_Exp>;
  llm_model_id?: InputMaybe<String_Comparison_Exp>;
  plan_ai_capability_quality_level?: InputMaybe<Plan_Ai_Capability_Quality_Levels_Bool_Exp>;
  plan_ai_capability_quality_level_id?: InputMaybe<String_Comparison_Exp>;
  priority?: InputMaybe<Int_Comparison_Exp>;
};

/** Ordering options when selecting data from "plan_quality_level_models". */
export type Plan_Quality_Level_Models_Order_By = {
  id?: InputMaybe<Order_By>;
  is_default?: InputMaybe<Order_By>;
  llm_model?: InputMaybe<Llm_Models_Order_By>;
  llm_model_id?: InputMaybe<Order_By>;
  plan_ai_capability_quality_level?: InputMaybe<Plan_Ai_Capability_Quality_Levels_Order_By>;
  plan_ai_capability_quality_level_id?: InputMaybe<Order_By>;
  priority?: InputMaybe<Order_By>;
};

/** select columns of table "plan_quality_level_models" */
export type Plan_Quality_Level_Models_Select_Column =
  /** column name */
  | 'id'
  /** column name */
  | 'is_default'
  /** column name */
  | 'llm_model_id'
  /** column name */
  | 'plan_ai_capability_quality_level_id'
  /** column name */
  | 'priority';

/** Streaming cursor of the table "plan_quality_level_models" */
export type Plan_Quality_Level_Models_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Plan_Quality_Level_Models_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Plan_Quality_Level_Models_Stream_Cursor_Value_Input = {
  id?: InputMaybe<Scalars['String']['input']>;
  is_default?: InputMaybe<Scalars['Boolean']['input']>;
  llm_model_id?: InputMaybe<Scalars['String']['input']>;
  plan_ai_capability_quality_level_id?: InputMaybe<Scalars['String']['input']>;
  priority?: InputMaybe<Scalars['Int']['input']>;
};

/** Boolean expression to filter rows from the table "plans". All fields are combined with a logical 'AND'. */
export type Plans_Bool_Exp = {
  _and?: InputMaybe<Array<Plans_Bool_Exp>>;
  _not?: InputMaybe<Plans_Bool_Exp>;
  _or?: InputMaybe<Array<Plans_Bool_Exp>>;
  description?: InputMaybe<String_Comparison_Exp>;
  display_order?: InputMaybe<Int_Comparison_Exp>;
  id?: InputMaybe<String_Comparison_Exp>;
  is_active?: InputMaybe<Boolean_Comparison_Exp>;
  monthly_ai_credits?: InputMaybe<Int_Comparison_Exp>;
  name?: InputMaybe<String_Comparison_Exp>;
  organization_plans?: InputMaybe<Organization_Plans_Bool_Exp>;
  plan_ai_capabilities?: InputMaybe<Plan_Ai_Capabilities_Bool_Exp>;
  price_usd_cents?: InputMaybe<Int_Comparison_Exp>;
  unique_name?: InputMaybe<String_Comparison_Exp>;
  welcome_bonus_credits?: InputMaybe<Int_Comparison_Exp>;
};

/** Ordering options when selecting data from "plans". */
export type Plans_Order_By = {
  description?: InputMaybe<Order_By>;
  display_order?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  is_active?: InputMaybe<Order_By>;
  monthly_ai_credits?: InputMaybe<Order_By>;
  name?: InputMaybe<Order_By>;
  price_usd_cents?: InputMaybe<Order_By>;
  unique_name?: InputMaybe<Order_By>;
  welcome_bonus_credits?: InputMaybe<Order_By>;
};

/** select columns of table "plans" */
export type Plans_Select_Column =
  /** column name */
  | 'description'
  /** column name */
  | 'display_order'
  /** column name */
  | 'id'
  /** column name */
  | 'is_active'
  /** column name */
  | 'monthly_ai_credits'
  /** column name */
  | 'name'
  /** column name */
  | 'price_usd_cents'
  /** column name */
  | 'unique_name'
  /** column name */
  | 'welcome_bonus_credits';

/** Streaming cursor of the table "plans" */
export type Plans_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Plans_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Plans_Stream_Cursor_Value_Input = {
  description?: InputMaybe<Scalars['String']['input']>;
  display_order?: InputMaybe<Scalars['Int']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  is_active?: InputMaybe<Scalars['Boolean']['input']>;
  monthly_ai_credits?: InputMaybe<Scalars['Int']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  price_usd_cents?: InputMaybe<Scalars['Int']['input']>;
  unique_name?: InputMaybe<Scalars['String']['input']>;
  welcome_bonus_credits?: InputMaybe<Scalars['Int']['input']>;
};

/** Boolean expression to filter rows from the table "quality_levels". All fields are combined with a logical 'AND'. */
export type Quality_Levels_Bool_Exp = {
  _and?: InputMaybe<Array<Quality_Levels_Bool_Exp>>;
  _not?: InputMaybe<Quality_Levels_Bool_Exp>;
  _or?: InputMaybe<Array<Quality_Levels_Bool_Exp>>;
  credit_multiplier?: InputMaybe<Numeric_Comparison_Exp>;
  description?: InputMaybe<String_Comparison_Exp>;
  display_order?: InputMaybe<Int_Comparison_Exp>;
  id?: InputMaybe<String_Comparison_Exp>;
  is_active?: InputMaybe<Boolean_Comparison_Exp>;
  name?: InputMaybe<String_Comparison_Exp>;
  plan_ai_capability_quality_levels?: InputMaybe<Plan_Ai_Capability_Quality_Levels_Bool_Exp>;
  unique_name?: InputMaybe<String_Comparison_Exp>;
};

/** Ordering options when selecting data from "quality_levels". */
export type Quality_Levels_Order_By = {
  credit_multiplier?: InputMaybe<Order_By>;
  description?: InputMaybe<Order_By>;
  display_order?: InputMaybe<Order_By>;
  id?: InputMaybe<Order_By>;
  is_active?: InputMaybe<Order_By>;
  name?: InputMaybe<Order_By>;
  unique_name?: InputMaybe<Order_By>;
};

/** select columns of table "quality_levels" */
export type Quality_Levels_Select_Column =
  /** column name */
  | 'credit_multiplier'
  /** column name */
  | 'description'
  /** column name */
  | 'display_order'
  /** column name */
  | 'id'
  /** column name */
  | 'is_active'
  /** column name */
  | 'name'
  /** column name */
  | 'unique_name';

/** Streaming cursor of the table "quality_levels" */
export type Quality_Levels_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Quality_Levels_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Quality_Levels_Stream_Cursor_Value_Input = {
  credit_multiplier?: InputMaybe<Scalars['numeric']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  display_order?: InputMaybe<Scalars['Int']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  is_active?: InputMaybe<Scalars['Boolean']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  unique_name?: InputMaybe<Scalars['String']['input']>;
};

/** Boolean expression to compare columns of type "timestamptz". All fields are combined with logical 'AND'. */
export type Timestamptz_Comparison_Exp = {
  _eq?: InputMaybe<Scalars['timestamptz']['input']>;
  _gt?: InputMaybe<Scalars['timestamptz']['input']>;
  _gte?: InputMaybe<Scalars['timestamptz']['input']>;
  _in?: InputMaybe<Array<Scalars['timestamptz']['input']>>;
  _is_null?: InputMaybe<Scalars['Boolean']['input']>;
  _lt?: InputMaybe<Scalars['timestamptz']['input']>;
  _lte?: InputMaybe<Scalars['timestamptz']['input']>;
  _neq?: InputMaybe<Scalars['timestamptz']['input']>;
  _nin?: InputMaybe<Array<Scalars['timestamptz']['input']>>;
};

/** Boolean expression to filter rows from the table "users". All fields are combined with a logical 'AND'. */
export type Users_Bool_Exp = {
  _and?: InputMaybe<Array<Users_Bool_Exp>>;
  _not?: InputMaybe<Users_Bool_Exp>;
  _or?: InputMaybe<Array<Users_Bool_Exp>>;
  id?: InputMaybe<String_Comparison_Exp>;
  memberships?: InputMaybe<Organization_Members_Bool_Exp>;
  name?: InputMaybe<String_Comparison_Exp>;
};

/** Ordering options when selecting data from "users". */
export type Users_Order_By = {
  id?: InputMaybe<Order_By>;
  name?: InputMaybe<Order_By>;
};

/** select columns of table "users" */
export type Users_Select_Column =
  /** column name */
  | 'id'
  /** column name */
  | 'name';

/** Streaming cursor of the table "users" */
export type Users_Stream_Cursor_Input = {
  /** Stream column input with initial value */
  initial_value: Users_Stream_Cursor_Value_Input;
  /** cursor ordering */
  ordering?: InputMaybe<Cursor_Ordering>;
};

/** Initial value of the column from where the streaming should start */
export type Users_Stream_Cursor_Value_Input = {
  id?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
};

export type BalanceFieldsFragment = { __typename?: 'organization_credit_balances', available: string | null, spendable: string | null, monthly_credits: string, monthly_remaining: string | null, bonus_credits: string, reserved_credits: string, used_this_period: string, overdraft_limit: string, low_balance_threshold: string | null, effective_low_balance_threshold: string | null, period_start: string, period_end: string };

export type CreditBalanceQueryVariables = Exact<{ [key: string]: never; }>;


export type CreditBalanceQuery = { __typename?: 'query_root', organization_credit_balances: Array<{ __typename?: 'organization_credit_balances', available: string | null, spendable: string | null, monthly_credits: string, monthly_remaining: string | null, bonus_credits: string, reserved_credits: string, used_this_period: string, overdraft_limit: string, low_balance_threshold: string | null, effective_low_balance_threshold: string | null, period_start: string, period_end: string }> };

export type CreditBalanceLiveSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type CreditBalanceLiveSubscription = { __typename?: 'subscription_root', organization_credit_balances: Array<{ __typename?: 'organization_credit_balances', available: string | null, spendable: string | null, monthly_credits: string, monthly_remaining: string | null, bonus_credits: string, reserved_credits: string, used_this_period: string, overdraft_limit: string, low_balance_threshold: string | null, effective_low_balance_threshold: string | null, period_start: string, period_end: string }> };

export type CreditCatalogQueryVariables = Exact<{ [key: string]: never; }>;


export type CreditCatalogQuery = { __typename?: 'query_root', organizations: Array<{ __typename?: 'organizations', id: string, name: string }>, ai_capabilities: Array<{ __typename?: 'ai_capabilities', id: string, unique_name: string, name: string, description: string | null }>, quality_levels: Array<{ __typename?: 'quality_levels', id: string, unique_name: string, name: string, description: string | null }>, credit_topup_packages: Array<{ __typename?: 'credit_topup_packages', id: string, unique_name: string, name: string, description: string | null, credits: number, price_usd_cents: number, price_per_credit: string | null }> };

export type AccessCheckQueryVariables = Exact<{
  capability: Scalars['String']['input'];
  qualityLevel: Scalars['String']['input'];
}>;


export type AccessCheckQuery = { __typename?: 'query_root', aiAccessCheck: { __typename?: 'AIAccessCheck', allowed: boolean, reason: string | null, message: string, capability: string, qualityLevel: string, estimatedCredits: string | null, allowedQualityLevels: Array<string>, plan: { __typename?: 'PlanRef', id: string, uniqueName: string, name: string } | null, balance: { __typename?: 'CreditBalance', available: string, spendable: string }, models: Array<{ __typename?: 'AIModel', id: string, modelId: string, name: string, provider: string, isDefault: boolean }>, rateLimits: { __typename?: 'RateLimits', rpmLimit: number | null, rpmUsed: number | null, rpdLimit: number | null, rpdUsed: number | null }, unlockPlans: Array<{ __typename?: 'UnlockPlan', id: string, uniqueName: string, name: string, monthlyAiCredits: number }> } | null };

export type LedgerRowFragment = { __typename?: 'credit_transactions', ledger_seq: string, transaction_type: string, credits_amount: string, balance_after: string, description: string | null, created_at: string, ai_capability_id: string | null, quality_level_id: string | null };

export type CreditHistoryPageQueryVariables = Exact<{
  where: Credit_Transactions_Bool_Exp;
  limit: Scalars['Int']['input'];
}>;


export type CreditHistoryPageQuery = { __typename?: 'query_root', credit_transactions: Array<{ __typename?: 'credit_transactions', ledger_seq: string, transaction_type: string, credits_amount: string, balance_after: string, description: string | null, created_at: string, ai_capability_id: string | null, quality_level_id: string | null }> };

export type CreditHistoryNewSubscriptionVariables = Exact<{
  after: Scalars['bigint']['input'];
  where: Credit_Transactions_Bool_Exp;
}>;


export type CreditHistoryNewSubscription = { __typename?: 'subscription_root', credit_transactions_stream: Array<{ __typename?: 'credit_transactions', ledger_seq: string, transaction_type: string, credits_amount: string, balance_after: string, description: string | null, created_at: string, ai_capability_id: string | null, quality_level_id: string | null }> };

export type CreditUsageDailyQueryVariables = Exact<{
  since: Scalars['date']['input'];
}>;


export type CreditUsageDailyQuery = { __typename?: 'query_root', credit_usage_daily: Array<{ __typename?: 'credit_usage_daily', day: string | null, ai_capability_id: string | null, operations: number | null, credits: string | null }> };

export const BalanceFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BalanceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"organization_credit_balances"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"spendable"}},{"kind":"Field","name":{"kind":"Name","value":"monthly_credits"}},{"kind":"Field","name":{"kind":"Name","value":"monthly_remaining"}},{"kind":"Field","name":{"kind":"Name","value":"bonus_credits"}},{"kind":"Field","name":{"kind":"Name","value":"reserved_credits"}},{"kind":"Field","name":{"kind":"Name","value":"used_this_period"}},{"kind":"Field","name":{"kind":"Name","value":"overdraft_limit"}},{"kind":"Field","name":{"kind":"Name","value":"low_balance_threshold"}},{"kind":"Field","name":{"kind":"Name","value":"effective_low_balance_threshold"}},{"kind":"Field","name":{"kind":"Name","value":"period_start"}},{"kind":"Field","name":{"kind":"Name","value":"period_end"}}]}}]} as unknown as DocumentNode<BalanceFieldsFragment, unknown>;
export const LedgerRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LedgerRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"credit_transactions"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ledger_seq"}},{"kind":"Field","name":{"kind":"Name","value":"transaction_type"}},{"kind":"Field","name":{"kind":"Name","value":"credits_amount"}},{"kind":"Field","name":{"kind":"Name","value":"balance_after"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"created_at"}},{"kind":"Field","name":{"kind":"Name","value":"ai_capability_id"}},{"kind":"Field","name":{"kind":"Name","value":"quality_level_id"}}]}}]} as unknown as DocumentNode<LedgerRowFragment, unknown>;
export const CreditBalanceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CreditBalance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization_credit_balances"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BalanceFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BalanceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"organization_credit_balances"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"spendable"}},{"kind":"Field","name":{"kind":"Name","value":"monthly_credits"}},{"kind":"Field","name":{"kind":"Name","value":"monthly_remaining"}},{"kind":"Field","name":{"kind":"Name","value":"bonus_credits"}},{"kind":"Field","name":{"kind":"Name","value":"reserved_credits"}},{"kind":"Field","name":{"kind":"Name","value":"used_this_period"}},{"kind":"Field","name":{"kind":"Name","value":"overdraft_limit"}},{"kind":"Field","name":{"kind":"Name","value":"low_balance_threshold"}},{"kind":"Field","name":{"kind":"Name","value":"effective_low_balance_threshold"}},{"kind":"Field","name":{"kind":"Name","value":"period_start"}},{"kind":"Field","name":{"kind":"Name","value":"period_end"}}]}}]} as unknown as DocumentNode<CreditBalanceQuery, CreditBalanceQueryVariables>;
export const CreditBalanceLiveDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"CreditBalanceLive"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization_credit_balances"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BalanceFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BalanceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"organization_credit_balances"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"spendable"}},{"kind":"Field","name":{"kind":"Name","value":"monthly_credits"}},{"kind":"Field","name":{"kind":"Name","value":"monthly_remaining"}},{"kind":"Field","name":{"kind":"Name","value":"bonus_credits"}},{"kind":"Field","name":{"kind":"Name","value":"reserved_credits"}},{"kind":"Field","name":{"kind":"Name","value":"used_this_period"}},{"kind":"Field","name":{"kind":"Name","value":"overdraft_limit"}},{"kind":"Field","name":{"kind":"Name","value":"low_balance_threshold"}},{"kind":"Field","name":{"kind":"Name","value":"effective_low_balance_threshold"}},{"kind":"Field","name":{"kind":"Name","value":"period_start"}},{"kind":"Field","name":{"kind":"Name","value":"period_end"}}]}}]} as unknown as DocumentNode<CreditBalanceLiveSubscription, CreditBalanceLiveSubscriptionVariables>;
export const CreditCatalogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CreditCatalog"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organizations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"ai_capabilities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"where"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"is_active"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"_eq"},"value":{"kind":"BooleanValue","value":true}}]}}]}},{"kind":"Argument","name":{"kind":"Name","value":"order_by"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"name"},"value":{"kind":"EnumValue","value":"asc"}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"unique_name"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quality_levels"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"where"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"is_active"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"_eq"},"value":{"kind":"BooleanValue","value":true}}]}}]}},{"kind":"Argument","name":{"kind":"Name","value":"order_by"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"display_order"},"value":{"kind":"EnumValue","value":"asc"}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"unique_name"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}},{"kind":"Field","name":{"kind":"Name","value":"credit_topup_packages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"order_by"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"display_order"},"value":{"kind":"EnumValue","value":"asc"}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"unique_name"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"credits"}},{"kind":"Field","name":{"kind":"Name","value":"price_usd_cents"}},{"kind":"Field","name":{"kind":"Name","value":"price_per_credit"}}]}}]}}]} as unknown as DocumentNode<CreditCatalogQuery, CreditCatalogQueryVariables>;
export const AccessCheckDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccessCheck"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"capability"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"qualityLevel"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"aiAccessCheck"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"capability"},"value":{"kind":"Variable","name":{"kind":"Name","value":"capability"}}},{"kind":"Argument","name":{"kind":"Name","value":"qualityLevel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"qualityLevel"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowed"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"capability"}},{"kind":"Field","name":{"kind":"Name","value":"qualityLevel"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedCredits"}},{"kind":"Field","name":{"kind":"Name","value":"plan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"uniqueName"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"balance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"spendable"}}]}},{"kind":"Field","name":{"kind":"Name","value":"models"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"isDefault"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rateLimits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rpmLimit"}},{"kind":"Field","name":{"kind":"Name","value":"rpmUsed"}},{"kind":"Field","name":{"kind":"Name","value":"rpdLimit"}},{"kind":"Field","name":{"kind":"Name","value":"rpdUsed"}}]}},{"kind":"Field","name":{"kind":"Name","value":"allowedQualityLevels"}},{"kind":"Field","name":{"kind":"Name","value":"unlockPlans"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"uniqueName"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"monthlyAiCredits"}}]}}]}}]}}]} as unknown as DocumentNode<AccessCheckQuery, AccessCheckQueryVariables>;
export const CreditHistoryPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CreditHistoryPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"where"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"credit_transactions_bool_exp"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"credit_transactions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"where"},"value":{"kind":"Variable","name":{"kind":"Name","value":"where"}}},{"kind":"Argument","name":{"kind":"Name","value":"order_by"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"ledger_seq"},"value":{"kind":"EnumValue","value":"desc"}}]}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LedgerRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LedgerRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"credit_transactions"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ledger_seq"}},{"kind":"Field","name":{"kind":"Name","value":"transaction_type"}},{"kind":"Field","name":{"kind":"Name","value":"credits_amount"}},{"kind":"Field","name":{"kind":"Name","value":"balance_after"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"created_at"}},{"kind":"Field","name":{"kind":"Name","value":"ai_capability_id"}},{"kind":"Field","name":{"kind":"Name","value":"quality_level_id"}}]}}]} as unknown as DocumentNode<CreditHistoryPageQuery, CreditHistoryPageQueryVariables>;
export const CreditHistoryNewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"CreditHistoryNew"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"bigint"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"where"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"credit_transactions_bool_exp"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"credit_transactions_stream"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"batch_size"},"value":{"kind":"IntValue","value":"20"}},{"kind":"Argument","name":{"kind":"Name","value":"cursor"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"initial_value"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"ledger_seq"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}]}}]}},{"kind":"Argument","name":{"kind":"Name","value":"where"},"value":{"kind":"Variable","name":{"kind":"Name","value":"where"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LedgerRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LedgerRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"credit_transactions"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ledger_seq"}},{"kind":"Field","name":{"kind":"Name","value":"transaction_type"}},{"kind":"Field","name":{"kind":"Name","value":"credits_amount"}},{"kind":"Field","name":{"kind":"Name","value":"balance_after"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"created_at"}},{"kind":"Field","name":{"kind":"Name","value":"ai_capability_id"}},{"kind":"Field","name":{"kind":"Name","value":"quality_level_id"}}]}}]} as unknown as DocumentNode<CreditHistoryNewSubscription, CreditHistoryNewSubscriptionVariables>;
export const CreditUsageDailyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CreditUsageDaily"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"since"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"credit_usage_daily"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"where"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"day"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"_gte"},"value":{"kind":"Variable","name":{"kind":"Name","value":"since"}}}]}}]}},{"kind":"Argument","name":{"kind":"Name","value":"order_by"},"value":{"kind":"ListValue","values":[{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"day"},"value":{"kind":"EnumValue","value":"asc"}}]},{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"ai_capability_id"},"value":{"kind":"EnumValue","value":"asc"}}]}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"ai_capability_id"}},{"kind":"Field","name":{"kind":"Name","value":"operations"}},{"kind":"Field","name":{"kind":"Name","value":"credits"}}]}}]}}]} as unknown as DocumentNode<CreditUsageDailyQuery, CreditUsageDailyQueryVariables>;