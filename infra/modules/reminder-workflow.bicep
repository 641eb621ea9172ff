// The reminder email workflow: a Consumption Logic App that, on weekday mornings, asks the
// function app which customers are due a reminder, has it draft each email, and sends the
// draft with Office 365 Outlook "Send an email (V2)".
//
// How it authenticates to the function app: with the app's default function key, read by
// listKeys at deployment time and handed to the workflow as a SecureString parameter. Secure
// parameters are not returned by the workflow's GET API, and the HTTP actions mark their
// inputs secure so the key is not kept in run history either. The key never appears in an
// output or a parameter default. The alternative, the Logic App's managed identity with App
// Service Authentication, needs an Entra app registration that Bicep cannot create.
//
// The Office 365 connection is created unauthorised: consent is the one portal step left
// (docs/deploy.md).

@description('Name of the Logic App workflow.')
param name string

@description('Name of the Office 365 Outlook API connection.')
param connectionName string

@description('Azure region of the workflow and the connection.')
param location string

@description('Tags applied to the workflow and the connection.')
param tags object = {}

@description('Name of the function app the workflow calls.')
param functionAppName string

@description('Company ids the workflow sends reminders for, one run through each per schedule.')
@minLength(1)
param companies array

@description('Hour of the day (0-23) the workflow runs on weekdays, in timeZone.')
@minValue(0)
@maxValue(23)
param hour int = 7

@description('Windows time zone name of the schedule, such as W. Europe Standard Time.')
param timeZone string = 'UTC'

@description('When set, every draft is sent to this mailbox for review instead of to the customer.')
param reviewMailbox string = ''

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

var office365ApiId = subscriptionResourceId('Microsoft.Web/locations/managedApis', location, 'office365')

// Keeps the function key out of run history; the drafts themselves stay visible there.
var secureInputs = {
  secureData: {
    properties: [
      'inputs'
    ]
  }
}

var retryPolicy = {
  type: 'exponential'
  count: 3
  interval: 'PT30S'
}

var functionBaseUrl = 'https://@{parameters(\'functionHost\')}/api'
var keyHeader = '@parameters(\'functionKey\')'
var company = '@items(\'For_each_company\')'
var draft = 'body(\'Create_reminder_email\')'

resource office365 'Microsoft.Web/connections@2016-06-01' = {
  name: connectionName
  location: location
  tags: tags
  properties: {
    displayName: 'Office 365 Outlook for collections reminders'
    api: {
      id: office365ApiId
    }
  }
}

resource workflow 'Microsoft.Logic/workflows@2019-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    state: 'Enabled'
    definition: {
      '$schema': 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#'
      contentVersion: '1.0.0.0'
      parameters: {
        '$connections': {
          type: 'Object'
          defaultValue: {}
        }
        functionHost: {
          type: 'String'
        }
        functionKey: {
          type: 'SecureString'
        }
        companies: {
          type: 'Array'
        }
        reviewMailbox: {
          type: 'String'
          defaultValue: ''
        }
      }
      triggers: {
        Every_weekday: {
          type: 'Recurrence'
          recurrence: {
            frequency: 'Week'
            interval: 1
            timeZone: timeZone
            schedule: {
              weekDays: [
                'Monday'
                'Tuesday'
                'Wednesday'
                'Thursday'
                'Friday'
              ]
              hours: [
                hour
              ]
              minutes: [
                0
              ]
            }
          }
        }
      }
      actions: {
        For_each_company: {
          type: 'Foreach'
          foreach: '@parameters(\'companies\')'
          runtimeConfiguration: {
            concurrency: {
              repetitions: 1
            }
          }
          actions: {
            Get_due_reminders: {
              type: 'Http'
              inputs: {
                method: 'GET'
                uri: '${functionBaseUrl}/reminders/due'
                queries: {
                  company: company
                }
                headers: {
                  'x-functions-key': keyHeader
                }
                retryPolicy: retryPolicy
              }
              runtimeConfiguration: secureInputs
            }
            // One customer at a time: Office 365 throttles a connection at 30 calls a minute.
            For_each_customer: {
              type: 'Foreach'
              foreach: '@coalesce(body(\'Get_due_reminders\')?[\'customers\'], createArray())'
              runAfter: {
                Get_due_reminders: [
                  'Succeeded'
                ]
              }
              runtimeConfiguration: {
                concurrency: {
                  repetitions: 1
                }
              }
              actions: {
                Create_reminder_email: {
                  type: 'Http'
                  inputs: {
                    method: 'POST'
                    uri: '${functionBaseUrl}/customers/@{encodeUriComponent(items(\'For_each_customer\')?[\'account\'])}/reminder-email'
                    queries: {
                      company: company
                    }
                    headers: {
                      'x-functions-key': keyHeader
                      'Content-Type': 'application/json'
                    }
                    body: {
                      confirmed: true
                    }
                    retryPolicy: retryPolicy
                  }
                  runtimeConfiguration: secureInputs
                }
                Has_recipient: {
                  type: 'If'
                  runAfter: {
                    Create_reminder_email: [
                      'Succeeded'
                    ]
                  }
                  expression: {
                    and: [
                      {
                        not: {
                          equals: [
                            '@coalesce(${draft}?[\'to\'], \'\')'
                            ''
                          ]
                        }
                      }
                    ]
                  }
                  actions: {
                    'Send_an_email_(V2)': {
                      type: 'ApiConnection'
                      inputs: {
                        host: {
                          connection: {
                            name: '@parameters(\'$connections\')[\'office365\'][\'connectionId\']'
                          }
                        }
                        method: 'post'
                        path: '/v2/Mail'
                        body: {
                          To: '@{if(empty(parameters(\'reviewMailbox\')), ${draft}?[\'to\'], parameters(\'reviewMailbox\'))}'
                          Subject: '@{${draft}?[\'subject\']}'
                          Body: '@{${draft}?[\'bodyHtml\']}'
                          Importance: 'Normal'
                        }
                      }
                    }
                  }
                  else: {
                    actions: {}
                  }
                }
              }
            }
          }
        }
      }
      outputs: {}
    }
    parameters: {
      '$connections': {
        value: {
          office365: {
            connectionId: office365.id
            connectionName: office365.name
            id: office365ApiId
          }
        }
      }
      functionHost: {
        value: functionApp.properties.defaultHostName
      }
      functionKey: {
        value: listKeys('${functionApp.id}/host/default', '2023-12-01').functionKeys.default
      }
      companies: {
        value: companies
      }
      reviewMailbox: {
        value: reviewMailbox
      }
    }
  }
}

output name string = workflow.name
output connectionName string = office365.name
