#!/bin/sh
# Run once by the MySQL image when it creates the database. The app's driver (mysqlclient on the MariaDB client
# library) cannot do MySQL 8's default caching_sha2_password without TLS or the server's RSA key, so the app
# user signs in with mysql_native_password (the server runs with --mysql-native-password=ON).
set -eu
mysql --protocol=socket -uroot -p"$MYSQL_ROOT_PASSWORD" <<SQL
ALTER USER '$MYSQL_USER'@'%' IDENTIFIED WITH mysql_native_password BY '$MYSQL_PASSWORD';
SQL
