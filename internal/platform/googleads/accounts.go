package googleads

import (
	"context"
	"fmt"
	"strconv"

	"github.com/imaphub/imaphub/internal/platform/errs"
)

// CustomerAnswer is an account as it describes itself.
type CustomerAnswer struct {
	// Customer holds ResourceName, ID, DescriptiveName, Manager and
	// TestAccount.
	Customer  Customer
	RequestID string
}

// Customer reads an account's id, name and whether it is a manager or a test
// account (GAQL on customer). The call goes through the login customer like
// any other, so it also shows whether the account can be reached that way.
func (c *Client) Customer(ctx context.Context, customerID string) (CustomerAnswer, error) {
	res, err := c.Search(ctx, customerID, "SELECT customer.id, customer.descriptive_name, customer.manager, customer.test_account FROM customer")
	if err != nil {
		return CustomerAnswer{}, err
	}
	if len(res.Rows) == 0 || res.Rows[0].Customer == nil {
		return CustomerAnswer{}, fmt.Errorf("googleads: customer %s answered no customer row (request-id %s)", customerID, res.RequestIDs[0])
	}
	return CustomerAnswer{Customer: *res.Rows[0].Customer, RequestID: res.RequestIDs[0]}, nil
}

// AccountTree is the hierarchy under a manager account.
type AccountTree struct {
	// Accounts are the manager itself at level 0 and the accounts below it,
	// in the order Google answers them; each holds ResourceName,
	// ClientCustomer, ID, DescriptiveName, Manager, TestAccount, Level and
	// Status.
	Accounts   []CustomerClient
	RequestIDs []string // one per page
}

// AccountTree lists the accounts under managerID down to maxLevel (0 is the
// manager itself, 1 its direct clients, …) with GAQL on customer_client.
// Asked of an account that manages none, it answers that account alone.
func (c *Client) AccountTree(ctx context.Context, managerID string, maxLevel int) (*AccountTree, error) {
	if maxLevel < 0 {
		return nil, errs.Field("max_level", "want 0 (the manager itself) or more", maxLevel)
	}
	res, err := c.Search(ctx, managerID, "SELECT customer_client.client_customer, customer_client.id, customer_client.descriptive_name, "+
		"customer_client.manager, customer_client.test_account, customer_client.level, customer_client.status FROM customer_client "+
		"WHERE customer_client.level <= "+strconv.Itoa(maxLevel))
	if err != nil {
		return nil, err
	}
	out := &AccountTree{RequestIDs: res.RequestIDs}
	for _, row := range res.Rows {
		if row.CustomerClient != nil {
			out.Accounts = append(out.Accounts, *row.CustomerClient)
		}
	}
	return out, nil
}
