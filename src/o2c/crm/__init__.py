"""CRM sync: AR fields of each customer (`fct_customer_ar_status`) onto its CRM account
(`dim_customers.crm_id`), only the fields that changed since the CRM last acknowledged them
(journal `app.crm_sync`, rules in `o2c.domain.crm`), through one adapter per CRM."""
